#include "agent/export_words.h"

#include "agent/message_words.h"
#include "core/text.h"

namespace bgm {

ExportWords read_export_words(const std::string& n, bool export_line) {
  ExportWords w;
  w.height = find_height(n);
  w.preset = find_export_preset_in(n);
  if (has_any(n, {"crop", "cropped", "follow the action", "track the action", "裁剪", "跟随", "跟踪"})) w.reframe = Reframe::kCrop;
  else if (has_any(n, {"fit", "blur", "blurred", "whole picture", "whole frame", "完整", "模糊", "全画面"})) w.reframe = Reframe::kFit;
  if (w.preset || export_line) w.range = find_time_range(n);
  return w;
}

DraftExport apply_export_words(DraftExport current, const ExportWords& w) {
  if (w.height) current.height = w.height;
  if (w.preset) {
    if (current.preset != w.preset->id) current.range.reset();
    current.preset = w.preset->id;
  }
  if (w.reframe && current.preset) current.reframe = reframe_name(*w.reframe);
  if (w.range) current.range = w.range;
  return current;
}

std::string describe_export(const DraftExport& e, Language lang) {
  const bool zh = lang == Language::kChinese;
  std::string out;
  if (e.preset) {
    const ExportPreset* p = find_export_preset(*e.preset);
    out = p ? p->name : *e.preset;
    if (p && !p->source_frame()) {
      const std::string frame = std::to_string(p->width) + "x" + std::to_string(p->height);
      const bool crop = e.reframe == std::optional<std::string>("crop");
      out += zh ? "（" + frame + (crop ? "，画面跟随动作裁剪）" : "，完整画面叠在模糊背景上）")
                : " (" + frame + (crop ? ", a window that follows the action)" : ", the whole picture over a blurred copy)");
    }
  }
  if (e.height && !e.preset) out = std::to_string(*e.height) + "p";
  if (e.range) out += (out.empty() ? "" : ", ") + clock_text(e.range->start) + "-" + clock_text(e.range->end);
  return out;
}

}  // namespace bgm
