// `obs-bgm chat --backend nemovideo`: the conversation with a NemoVideo server.
#include <unistd.h>

#include <cstdint>
#include <cstdio>

#include "backend/backend.h"
#include "cli/chat_end.h"
#include "cli/progress_bar.h"
#include "core/json_field.h"
#include "draft/draft_summary.h"
#include "nemo/nemo_state.h"
#include "nemo/nemo_conversation.h"

namespace bgm::cli {
namespace fs = std::filesystem;

namespace {

std::string credits_text(const Credits& c, bool zh) {
  char line[160];
  std::snprintf(line, sizeof line, zh ? "%.0f 积分（%.0f 使用中）" : "%.0f credits (%.0f in use)", c.available, c.frozen);
  return line;
}

class RemoteChat final : public ChatEnd {
 public:
  RemoteChat(const NemoConfig& config, fs::path output, CancelToken& cancel)
      : conv_(config, std::make_shared<NemoCredentials>(config), nullptr), output_(std::move(output)), cancel_(cancel) {}

  NemoConversation& conversation() { return conv_; }

  void upload(const std::string& path, Language lang) override {
    const bool zh = lang == Language::kChinese;
    if (path.empty()) return say(zh ? "请给出文件路径，例如：上传 /path/to/video.mp4" : "Give the file's path: upload /path/to/video.mp4");
    ProgressBar bar(isatty(STDERR_FILENO));
    auto up = conv_.upload(path, [&](int64_t done, int64_t total) {
      bar.update(Stage::kUploading, total > 0 ? static_cast<double>(done) / static_cast<double>(total) : kIndeterminate);
    }, &cancel_);
    bar.finish();
    if (!up) return say(up.error().message);
    say((zh ? "已上传 " : "Uploaded ") + fs::path(path).filename().string() + (zh ? "。" : "."));
    last_upload_ = path;
  }

  void chat(const std::string& line) override {
    TurnEvents ev;
    bool open_line = false;
    ev.text = [&](const std::string& t) {
      std::fputs(t.c_str(), stdout);
      std::fflush(stdout);
      open_line = !t.empty() && t.back() != '\n';
    };
    ev.notice = [&](const std::string& t) {
      if (open_line) std::fputs("\n", stdout);
      open_line = false;
      say(t);
    };
    auto out = conv_.say(line, detect_language(line), ev, &cancel_);
    if (open_line) std::fputs("\n", stdout);
    if (!out) return say(out.error().message);
  }

  void state(Language lang) override {
    auto s = conv_.state(&cancel_);
    if (!s) return say(s.error().message);
    auto d = draft_of_state(*s);
    say(d ? summarize_draft(*d, lang) : d.error().message);
  }

  void credits(Language lang) override {
    auto c = conv_.credits(&cancel_);
    say(c ? credits_text(*c, lang == Language::kChinese) : c.error().message);
  }

  void export_to(const RoutedLine& r, Language lang) override {
    const bool zh = lang == Language::kChinese;
    auto s = conv_.state(&cancel_);
    if (!s) return say(s.error().message);
    auto draft = draft_of_state(*s);  // exported as the service made it: music found or not, only the height is ours
    if (!draft) return say(draft.error().message);
    if (r.every && s->contains("timelines") && (*s)["timelines"].is_array()) {  // a server that keeps one per recording
      for (const auto& t : (*s)["timelines"]) {
        nlohmann::json state = *s;
        state["draft"] = t.is_object() && t.contains("draft") ? t["draft"] : nlohmann::json();
        if (auto d = draft_of_state(state); d && !d->only_recording()) export_one(*d, r, lang);
      }
      return;
    }
    if (draft->only_recording()) return say(zh ? "还没有可导出的内容：先告诉我你想要什么音乐。" : "Nothing to export yet: ask for music first.");
    export_one(*draft, r, lang);
  }

 private:
  void export_one(Draft draft_value, const RoutedLine& r, Language lang) {
    const bool zh = lang == Language::kChinese;
    Draft* draft = &draft_value;
    draft->set_export_settings(apply_export_words(draft->export_settings(), r.want));
    const bool video = draft->video() && !draft->video()->audio;
    const fs::path target = export_target(r, output_, *draft, last_upload_, video ? "mp4" : "m4a");
    std::error_code ec;
    if (fs::exists(target, ec)) return say((zh ? "文件已存在，不会覆盖：" : "That file exists and is never replaced: ") + target.string());
    ProgressBar bar(isatty(STDERR_FILENO));
    auto out = conv_.export_draft(draft->as_json(), target, false, video ? "mp4" : "m4a", {}, [&](Stage st, double f) { bar.update(st, f); }, &cancel_);
    bar.finish();
    if (!out) return say(out.error().message);
    say((zh ? "已导出：" : "Exported to ") + out->string() + (zh ? "" : "."));
  }

 private:
  NemoConversation conv_;
  fs::path output_;
  CancelToken& cancel_;
  std::string last_upload_;
};

}  // namespace

std::unique_ptr<ChatEnd> connect_remote_chat(const NemoConfig& config, const std::optional<std::string>& session, fs::path output,
                                             CancelToken& cancel) {
  say("Connecting...");
  auto end = std::make_unique<RemoteChat>(config, std::move(output), cancel);
  auto& conv = end->conversation();
  if (session) {
    conv.resume(*session);
  } else if (auto ok = conv.start(&cancel); !ok) {
    say(ok.error().message);
    return nullptr;
  }
  auto c = conv.credits(&cancel);
  if (!c) {
    say(c.error().message);
    return nullptr;
  }
  say("Ready: " + config.name + " · " + credits_text(*c, false) + " (session " + conv.session() + "; continue it later with --session " +
      conv.session() + ").");
  return end;
}

}  // namespace bgm::cli
