#include "cli/chat_end.h"

#include <unistd.h>

#include <cstdio>

#include "backend/backend.h"
#include "cli/progress_bar.h"
#include "core/text.h"
#include "draft/draft_summary.h"

namespace bgm::cli {
namespace fs = std::filesystem;

void say(const std::string& text) {
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

std::string credits_text(const Credits& c, bool zh) {
  char line[160];
  std::snprintf(line, sizeof line, zh ? "%.0f 积分（%.0f 使用中）" : "%.0f credits (%.0f in use)", c.available, c.frozen);
  return line;
}

fs::path export_target(const RoutedLine& r, const fs::path& output, const Draft& draft, const std::string& last_upload, const std::string& ext) {
  std::error_code ec;
  if (!r.path.empty() && !r.every && !fs::is_directory(r.path, ec)) return r.path;
  const fs::path dir = r.path.empty() || !fs::is_directory(r.path, ec) ? output : fs::path(r.path);
  const auto video = draft.video();
  const std::string name = video && !video->name.empty() ? file_safe(video->name) : last_upload.empty() ? "" : fs::path(last_upload).stem().string();
  // Without a recording: a name a terminal takes without quotes.
  return unused_path(dir, name.empty() ? "ai-music" : result_stem(name, draft), ext);
}

void ChatEnd::upload(const std::string& path, Language lang) {
  const bool zh = lang == Language::kChinese;
  if (path.empty()) return say(zh ? "请给出文件路径，例如：上传 /path/to/video.mp4" : "Give the file's path: upload /path/to/video.mp4");
  ProgressBar bar(isatty(STDERR_FILENO));
  auto up = conv_.upload(path, [&](Stage s, double f) { bar.update(s, f); }, &cancel_);
  bar.finish();
  if (!up) return say(up.error().message);
  char length[64] = "";
  if (up->duration_s > 0) std::snprintf(length, sizeof length, zh ? "（%.1f 秒）" : " (%.1f s)", up->duration_s);
  say((zh ? "已上传 " : "Uploaded ") + fs::path(path).filename().string() + length + (zh ? "。" : "."));
  last_upload_ = path;
}

void ChatEnd::chat(const std::string& line) {
  ProgressBar bar(isatty(STDERR_FILENO));
  bool open_line = false;
  ConversationEvents ev;
  ev.text = [&](const std::string& t) {
    bar.finish();
    std::fputs(t.c_str(), stdout);
    std::fflush(stdout);
    open_line = !t.empty() && t.back() != '\n';
  };
  ev.notice = [&](const std::string& t) {
    if (open_line) std::fputs("\n", stdout);
    open_line = false;
    say(t);
  };
  ev.progress = [&](Stage s, double f) { bar.update(s, f); };
  auto out = conv_.say(line, ev, &cancel_);
  bar.finish();
  if (open_line) std::fputs("\n", stdout);
  if (!out) say(out.error().message);
  report_cancel();
}

void ChatEnd::state(Language lang) {
  auto s = conv_.state(&cancel_);
  say(s ? summarize_draft(s->draft, lang) : s.error().message);
}

void ChatEnd::credits(Language lang) {
  const bool zh = lang == Language::kChinese;
  auto c = conv_.credits(&cancel_);
  if (!c) return say(c.error().message);
  say(*c ? credits_text(**c, zh) : (zh ? "本地引擎免费且离线运行，不消耗积分。" : "The local engine is free and offline: it uses no credits."));
}

void ChatEnd::export_to(const RoutedLine& r, Language lang) {
  const bool zh = lang == Language::kChinese;
  auto s = conv_.state(&cancel_);
  if (!s) return say(s.error().message);
  // "export all": every recording's own timeline, each to its own file; else the one in focus, as it was made.
  std::vector<Draft> drafts = r.every && !s->timelines.empty() ? s->timelines : std::vector<Draft>{s->draft};
  std::erase_if(drafts, [](const Draft& d) { return d.only_recording(); });
  if (drafts.empty()) return say(zh ? "还没有可导出的内容：先告诉我你想要什么音乐。" : "Nothing to export yet: ask for music first.");
  for (auto& draft : drafts) export_one(std::move(draft), r, lang);
}

void ChatEnd::export_one(Draft draft, const RoutedLine& r, Language lang) {
  const bool zh = lang == Language::kChinese;
  draft.set_export_settings(apply_export_words(draft.export_settings(), r.want));
  const fs::path target = export_target(r, output_, draft, last_upload_, conv_.export_extension(draft));
  std::error_code ec;
  if (fs::exists(target, ec)) return say((zh ? "文件已存在，不会覆盖：" : "That file exists and is never replaced: ") + target.string());
  ProgressBar bar(isatty(STDERR_FILENO));
  auto out = conv_.export_draft(draft, ExportRequest{target, false, {}}, [&](Stage st, double f) { bar.update(st, f); }, &cancel_);
  bar.finish();
  report_cancel();
  if (!out) return say(out.error().message);
  say((zh ? "已导出：" : "Exported to ") + out->string() + (zh ? "" : "."));
}

void ChatEnd::report_cancel() {
  if (cancel_.cancelled()) say("Cancelled.");
}

}  // namespace bgm::cli
