// obs-bgm chat: the seed's conversation in a terminal, on the in-process agent and the local engine.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "agent/intent_router.h"
#include "backend/backend.h"
#include "cli/args.h"
#include "cli/chat_end.h"
#include "cli/remote_job.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "core/json_field.h"
#include "core/random_id.h"
#include "core/text.h"
#include "draft/draft_summary.h"
#include "session/session_service.h"

namespace bgm::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm chat [FILE...] [--session ID] [--data DIR] [--output DIR] [--backend nemovideo [--api-base URL]]\n"
    "\n"
    "Talk to the music agent: upload a recording (or just describe the music), then refine it line by line:\n"
    "\"make it calmer\", \"switch to jazz\", \"music at 20%\", \"add the title 'Urban Dreams' for 3 seconds\",\n"
    "\"make 0:30 to 0:45 more intense\". \"status\" shows the timeline, \"export\" (or \"export 1080p\",\n"
    "\"export to FILE\") renders it, \"upload FILE\" adds media. English and Chinese both work.\n"
    "Sessions are kept in --data (default ~/.local/share/obs-bgm); --session ID continues one.\n"
    "Exports go to --output (default: the current folder).\n"
    "With --backend nemovideo the conversation is with the NemoVideo cloud (or the server at --api-base): uploads\n"
    "leave this machine and generating uses credits; \"credits\" shows them.\n";

fs::path default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "obs-bgm";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local/share/obs-bgm";
  return "obs-bgm-data";
}

class Chat final : public ChatEnd {
 public:
  Chat(SessionService& service, std::string session, fs::path output, CancelToken& cancel)
      : service_(service), session_(std::move(session)), output_(std::move(output)), cancel_(cancel) {}

  void upload(const std::string& path, Language lang) override {
    const bool zh = lang == Language::kChinese;
    if (path.empty()) return say(zh ? "请给出文件路径，例如：上传 /path/to/video.mp4" : "Give the file's path: upload /path/to/video.mp4");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return say((zh ? "找不到文件：" : "No such file: ") + path);
    auto rel = service_.store().media_file_for(session_, random_id("part_"), ".upload");
    if (!rel) return say(rel.error().message);
    const fs::path copy = service_.store().absolute(*rel);
    fs::copy_file(path, copy, ec);
    if (ec) return say((zh ? "无法复制文件：" : "Could not copy the file: ") + ec.message());
    auto m = service_.add_upload(session_, copy, fs::path(path).filename().string(), &cancel_);
    if (!m) return say(m.error().message);
    const double s = json_field<int64_t>(m->info, "duration_ms", 0) / 1000.0;
    char line[256];
    std::snprintf(line, sizeof line, zh ? "已上传 %s（%.1f 秒）。" : "Uploaded %s (%.1f s).", m->name.c_str(), s);
    say(line);
    last_upload_ = path;
  }

  void chat(const std::string& line) override {
    ProgressBar bar(isatty(STDERR_FILENO));
    ChatEvents ev;
    ev.progress = [&](Stage s, double f) { bar.update(s, f); };
    auto out = service_.chat(session_, line, ev, &cancel_);
    bar.finish();
    reset_cancel();
    say(out ? out->reply : out.error().message);
  }

  void credits(Language lang) override {
    say(lang == Language::kChinese ? "本地引擎免费且离线运行，不消耗积分。" : "The local engine is free and offline: it uses no credits.");
  }

  void state(Language lang) override {
    auto s = service_.state(session_);
    if (!s) return say(s.error().message);
    auto d = Draft::from_json((*s)["draft"]);
    if (d) say(summarize_draft(*d, lang));
  }

  void export_to(const RoutedLine& r, Language lang) override {
    const bool zh = lang == Language::kChinese;
    auto s = service_.store().session(session_);
    if (!s || !*s) return say("The session is gone.");
    std::vector<Draft> drafts{(*s)->draft};
    if (r.every) {  // every recording's own timeline, each its own file
      auto state = service_.state(session_);
      if (!state) return say(state.error().message);
      if (state->contains("timelines")) {
        drafts.clear();
        for (const auto& t : (*state)["timelines"])
          if (auto d = Draft::from_json(t["draft"]); d && d->music()) drafts.push_back(*d);
      }
    }
    if (drafts.empty() || !drafts.front().music()) return say(zh ? "还没有可导出的内容：先告诉我你想要什么音乐。" : "Nothing to export yet: ask for music first.");
    for (auto& draft : drafts) export_one(draft, r, lang);
  }

 private:
  void export_one(Draft draft, const RoutedLine& r, Language lang) {
    const bool zh = lang == Language::kChinese;
    draft.set_export_settings(apply_export_words(draft.export_settings(), r.want));
    const std::string ext = service_.export_extension(draft, "mp4");
    const fs::path target = export_target(r, output_, draft, last_upload_, ext);
    std::error_code ec;
    if (fs::exists(target, ec)) return say((zh ? "文件已存在，不会覆盖：" : "That file exists and is never replaced: ") + target.string());
    ProgressBar bar(isatty(STDERR_FILENO));
    auto out = service_.export_draft(session_, draft, target, &cancel_, [&](Stage st, double f) { bar.update(st, f); });
    bar.finish();
    reset_cancel();
    if (!out) return say(out.error().message);
    say((zh ? "已导出：" : "Exported to ") + out->string() + (zh ? "" : "."));
  }

  void reset_cancel() {
    if (cancel_.cancelled()) say("Cancelled.");
  }
  SessionService& service_;
  std::string session_;
  fs::path output_;
  CancelToken& cancel_;
  std::string last_upload_;
};

}  // namespace

void say(const std::string& text) {
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

fs::path export_target(const RoutedLine& r, const fs::path& output, const Draft& draft, const std::string& last_upload, const std::string& ext) {
  std::error_code ec;
  if (!r.path.empty() && !r.every && !fs::is_directory(r.path, ec)) return r.path;
  const fs::path dir = r.path.empty() || !fs::is_directory(r.path, ec) ? output : fs::path(r.path);
  const auto video = draft.video();
  const std::string name = video && !video->name.empty() ? file_safe(video->name) : last_upload.empty() ? "" : fs::path(last_upload).stem().string();
  const auto preset = draft.export_settings().preset;
  const std::string stem = name.empty() ? "AI Music" : name + "-bgm" + (preset ? "-" + *preset : "");
  return unused_path(dir, stem, ext);
}

int run_chat(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--session", "--data", "--output", "--backend", "--api-base"};
  spec.flags = {"--help"};
  auto args = parse_args(argv, spec);
  if (!args) return report_failure(args.error(), false);
  if (args->has("--help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  auto remote = remote_backend_from(*args);
  if (!remote) return report_failure(remote.error(), false);
  CancelToken& cancel = cancel_on_interrupt();
  const fs::path output = args->get("--output").value_or(".");
  if (std::error_code ec; !fs::is_directory(output, ec)) {
    fs::create_directories(output, ec);  // the folder asked for exports: made, like a download folder
    if (ec) return report_failure(make_error(ErrorCode::kIo, "Could not create " + output.string() + ": " + ec.message() + "."), false);
  }
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<SessionService> service;
  std::unique_ptr<ChatEnd> end;
  if (*remote) {
    end = connect_remote_chat(**remote, args->get("--session"), output, cancel);
    if (!end) return kExitRemote;
  } else {
    say("Connecting...");
    auto opened = SessionStore::open(args->get("--data").value_or(default_data_dir().string()));
    if (!opened) return report_failure(opened.error(), false);
    store = std::move(*opened);
    service = std::make_unique<SessionService>(*store, ServiceOptions{});
    std::string session;
    if (auto id = args->get("--session")) {
      auto s = store->session(*id);
      if (!s || !*s) return report_failure(make_error(ErrorCode::kNotFound, "No session " + id->substr(0, 80) + " in this data folder."), false);
      session = *id;
    } else {
      auto s = store->create_session("local", "en");
      if (!s) return report_failure(s.error(), false);
      session = s->id;
    }
    end = std::make_unique<Chat>(*service, session, output, cancel);
    say("Ready: the local engine, offline and free (session " + session + "; continue it later with --session " + session + ").");
  }
  ChatEnd& chat = *end;
  for (const auto& file : args->positionals) chat.upload(file, Language::kEnglish);
  say("Tell me what music you would like, or upload a video. \"status\" shows the timeline, \"export\" renders it.");
  std::string line;
  while (!cancel.cancelled() && std::getline(std::cin, line)) {
    const std::string_view text = trim(line);
    if (text.empty()) continue;
    if (text == "quit" || text == "exit" || text == "退出") break;
    const Language lang = detect_language(text);
    const RoutedLine r = route_line(text);
    switch (r.intent) {
      case Intent::kUpload:
        // "now do intro.mp4": a file name that is not a file here names one of the session's recordings.
        if (!r.said_upload && !fs::exists(r.path)) chat.chat(std::string(text));
        else chat.upload(r.path, lang);
        break;
      case Intent::kCredits: chat.credits(lang); break;
      case Intent::kState: chat.state(lang); break;
      case Intent::kExport: chat.export_to(r, lang); break;
      case Intent::kChat: chat.chat(std::string(text)); break;
    }
  }
  return kExitOk;
}

}  // namespace bgm::cli
