#include "draft/draft_summary.h"

#include <cmath>
#include <cstdint>
#include <sstream>

#include "spec/style_catalog.h"

namespace bgm {
namespace {

std::string number(int64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000);
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << static_cast<double>(ms) / 1000.0;
  return out.str();
}

std::string span(int64_t st, int64_t d, Language lang) {
  return lang == Language::kChinese ? "（" + number(st) + "-" + number(st + d) + "秒" : " (" + number(st) + "-" + number(st + d) + "s";
}


}  // namespace

std::string seconds_text(int64_t ms) { return number(ms) + "s"; }

std::string summarize_draft(const Draft& draft, Language lang) {
  const bool zh = lang == Language::kChinese;
  const auto tracks = draft.tracks();
  const auto music = draft.music();
  std::string out = zh ? "时间线（" + std::to_string(tracks.size()) + " 条轨道）：" : "Timeline (" + std::to_string(tracks.size()) + (tracks.size() == 1 ? " track):" : " tracks):");
  if (tracks.empty()) return out + (zh ? "空" : " empty");
  int index = 0;
  for (const auto& t : tracks) {
    const DraftSegment first = t.segments.empty() ? DraftSegment{} : t.segments[0];
    const std::string when = span(t.start_ms(), t.end_ms() - t.start_ms(), lang);
    const std::string close = zh ? "）" : ")";
    const auto named = [&](const char* en, const char* zh_word, const char* en_none, const char* zh_none) {
      return std::string(zh ? zh_word : en) + (t.name.empty() ? (zh ? zh_none : en_none) : t.name) + when + close;
    };
    std::string line;
    switch (t.kind) {
      case TrackKind::kVideo: line = named("Video: ", "视频：", "video", "视频"); break;
      case TrackKind::kRecording:
      case TrackKind::kAudio: line = named("Audio: ", "音频：", "audio", "音频"); break;
      case TrackKind::kMusic: {
        std::string name = music ? music->style_name : "";
        if (zh && music) {
          const StylePreset* style = StyleCatalog::builtin().find(music->style);
          if (style && !style->name_zh.empty()) name = style->name_zh;
        }
        if (name.empty()) name = t.name.empty() ? (zh ? "音乐" : "music") : t.name;
        const std::string pct = std::to_string(static_cast<int>(std::lround(first.volume.value_or(0.35) * 100))) + "%";
        line = (zh ? "背景音乐：" : "BGM: ") + name + when + (zh ? "，" : ", ") + pct + close;
        break;
      }
      case TrackKind::kTitle: line = (zh ? "标题：“" + first.text + "”" : "Title: \"" + first.text + "\"") + when + close; break;
      case TrackKind::kText: line = (zh ? "文字：“" + first.text + "”" : "Text: \"" + first.text + "\"") + when + close; break;
      case TrackKind::kOther: line = (zh ? "轨道（类型 " : "Track (type ") + std::to_string(t.type) + ")"; break;
    }
    const bool first_line = index == 0;
    ++index;
    out += (zh ? (first_line ? "" : " ") : " ") + std::to_string(index) + ". " + line;
  }
  return out;
}

}  // namespace bgm
