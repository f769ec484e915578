#include "draft/draft_diff.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "draft/draft_summary.h"

namespace bgm {
namespace {

std::string percent(double v) { return std::to_string(static_cast<int>(std::lround(v * 100))) + "%"; }

std::string span_text(int64_t st, int64_t d) { return seconds_text(st) + "-" + seconds_text(st + d); }

void compare_music(const std::optional<DraftMusic>& a, const std::optional<DraftMusic>& b, bool zh, std::vector<std::string>& out) {
  if (!a && !b) return;
  if (!a) return out.push_back((zh ? "加入了背景音乐：" : "added music: ") + (b->style_name.empty() ? b->style : b->style_name));
  if (!b) return out.push_back(zh ? "移除了背景音乐" : "removed the music");
  if (a->style != b->style) out.push_back((zh ? "风格 " : "style ") + a->style_name + " → " + b->style_name);
  if (a->seed != b->seed && a->style == b->style) out.push_back(zh ? "换成了一首新曲子" : "a new piece");
  if (std::abs(a->volume - b->volume) > 0.004) out.push_back((zh ? "音量 " : "volume ") + percent(a->volume) + " → " + percent(b->volume));
  if (a->duck != b->duck) {
    out.push_back(b->duck ? (zh ? "人声时音乐会让开" : "the music steps back under speech again")
                          : (zh ? "人声时音乐不再让开" : "the music no longer steps back under speech"));
  }
  if (a->mood != b->mood && b->mood) out.push_back((zh ? "情绪：" : "mood: ") + *b->mood);
  if (a->energy != b->energy && b->energy) {
    const bool up = a->energy && *b->energy > *a->energy;
    const bool down = a->energy && *b->energy < *a->energy;
    out.push_back(up ? (zh ? "更有活力" : "more energetic") : down ? (zh ? "更平静" : "calmer") : (zh ? "能量已调整" : "energy set"));
  }
  if (a->exclude != b->exclude && !b->exclude.empty()) {
    std::string list;
    for (const auto& x : b->exclude) list += (list.empty() ? "" : ", ") + x;
    out.push_back((zh ? "不用：" : "without: ") + list);
  }
  if (a->ranges.size() != b->ranges.size()) out.push_back(zh ? "改动了一段音乐" : "a part of the music was changed");
  if (a->duration_ms != b->duration_ms || a->start_ms != b->start_ms) {
    out.push_back((zh ? "音乐时间 " : "music ") + span_text(b->start_ms, b->duration_ms));
  }
}

}  // namespace

std::string describe_draft_change(const Draft& before, const Draft& after, Language lang) {
  const bool zh = lang == Language::kChinese;
  std::vector<std::string> out;
  compare_music(before.music(), after.music(), zh, out);
  const auto ta = before.title(), tb = after.title();
  if (!ta && tb) out.push_back((zh ? "加入了标题“" : "added the title \"") + tb->text + (zh ? "”（" : "\" (") + span_text(tb->start_ms, tb->duration_ms) + (zh ? "）" : ")"));
  if (ta && !tb) out.push_back(zh ? "移除了标题" : "removed the title");
  if (ta && tb && (ta->text != tb->text || ta->duration_ms != tb->duration_ms || ta->start_ms != tb->start_ms)) {
    out.push_back((zh ? "标题改为“" : "the title is now \"") + tb->text + (zh ? "”（" : "\" (") + span_text(tb->start_ms, tb->duration_ms) + (zh ? "）" : ")"));
  }
  const DraftExport ea = before.export_settings(), eb = after.export_settings();
  if (eb.height != ea.height && eb.height) out.push_back((zh ? "导出 " : "export at ") + std::to_string(*eb.height) + "p");
  if (eb.preset != ea.preset && eb.preset) out.push_back((zh ? "导出为 " : "export for ") + *eb.preset);
  if (eb.reframe != ea.reframe && eb.reframe) out.push_back(*eb.reframe == "crop" ? (zh ? "画面跟随动作裁剪" : "cropped to follow the action")
                                                                               : (zh ? "完整画面" : "the whole picture"));
  const auto va = before.video(), vb = after.video();
  if ((va.has_value() != vb.has_value()) || (va && vb && va->source != vb->source)) out.push_back(zh ? "视频已更换" : "the video changed");
  if (out.empty() && before.as_json() != after.as_json()) out.push_back(zh ? "时间线有改动" : "the timeline changed");
  if (out.empty()) return {};
  std::string text = zh ? "已修改：" : "Changed: ";
  for (size_t i = 0; i < out.size(); ++i) text += (i ? (zh ? "；" : "; ") : "") + out[i];
  return text + (zh ? "。" : ".");
}

}  // namespace bgm
