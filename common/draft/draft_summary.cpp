#include "draft/draft_summary.h"

#include <cmath>
#include <cstdint>
#include <sstream>

#include "core/json_field.h"
#include "spec/style_catalog.h"

namespace bgm {
namespace {

using json = nlohmann::json;

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
  const json& tracks = draft.as_json()["t"];
  std::string out = zh ? "时间线（" + std::to_string(tracks.size()) + " 条轨道）：" : "Timeline (" + std::to_string(tracks.size()) + " tracks):";
  if (tracks.empty()) return out + (zh ? "空" : " empty");
  int index = 0;
  for (const auto& t : tracks) {
    const int type = t.contains("tt") && t["tt"].is_number_integer() ? t["tt"].get<int>() : -1;
    const json meta = t.contains("m") ? t["m"] : json::object();
    const json sg = t.contains("sg") && t["sg"].is_array() && !t["sg"].empty() ? t["sg"][0] : json::object();
    const int64_t st = json_field<int64_t>(sg, "st", 0), d = json_field<int64_t>(sg, "d", 0);
    std::string line;
    const std::string role = json_field<std::string>(meta, "role", "");
    if (type == kTrackVideo) {
      const std::string name = json_field<std::string>(meta, "name", "");
      line = (zh ? "视频：" : "Video: ") + (name.empty() ? (zh ? "视频" : "video") : name) + span(st, d, lang) + (zh ? "）" : ")");
    } else if (type == kTrackAudio && role == "bgm") {
      const json m = sg.contains("m") ? sg["m"] : json::object();
      std::string name = json_field<std::string>(m, "style_name", "");
      if (zh) {
        const StylePreset* style = StyleCatalog::builtin().find(json_field<std::string>(m, "style", ""));
        if (style && !style->name_zh.empty()) name = style->name_zh;
      }
      if (name.empty()) name = zh ? "音乐" : "music";
      const double vol = sg.contains("vol") && sg["vol"].is_number() ? sg["vol"].get<double>() : 0.35;
      const std::string pct = std::to_string(static_cast<int>(std::lround(vol * 100))) + "%";
      line = (zh ? "背景音乐：" : "BGM: ") + name + span(st, d, lang) + (zh ? "，" : ", ") + pct + (zh ? "）" : ")");
    } else if (type == kTrackAudio) {
      const std::string name = json_field<std::string>(meta, "name", "");
      line = (zh ? "音频：" : "Audio: ") + (name.empty() ? (zh ? "音频" : "audio") : name) + span(st, d, lang) + (zh ? "）" : ")");
    } else if (type == kTrackText) {
      const std::string text = json_field<std::string>(sg, "text", "");
      line = role == "title" ? (zh ? "标题：“" + text + "”" : "Title: \"" + text + "\"") : (zh ? "文字：“" + text + "”" : "Text: \"" + text + "\"");
      line += span(st, d, lang) + (zh ? "）" : ")");
    } else {
      line = (zh ? "轨道（类型 " : "Track (type ") + std::to_string(type) + ")";
    }
    const bool first = index == 0;
    ++index;
    out += (zh ? (first ? "" : " ") : " ") + std::to_string(index) + ". " + line;
  }
  return out;
}

}  // namespace bgm
