#pragma once
// What a message asks of the export, in English or Chinese: a height ("1080p"), a platform ("for Shorts", "make it
// vertical", "9:16", "竖屏", "导出抖音"), how a wide picture fills a tall frame ("crop" / "follow the action" /
// "裁剪"; "fit" / "blur" / "完整"), and a part of the recording ("export 1:20 to 2:50 for Shorts": a range counts
// for the export only when a platform is named with it, else it is a music edit).
// Thread: pure functions; any thread.

#include <optional>
#include <string>

#include "agent/language.h"
#include "core/time_span.h"
#include "draft/draft.h"
#include "media/export_preset.h"

namespace bgm {

struct ExportWords {
  std::optional<int> height;
  const ExportPreset* preset = nullptr;
  std::optional<Reframe> reframe;
  std::optional<TimeSpan> range;
  bool any() const { return height || preset || reframe || range; }
};

// `normalized`: as normalize_message gives it. A range is read when a platform is named, or when the line is an
// export (`export_line`: "export 1:20 to 2:50").
ExportWords read_export_words(const std::string& normalized, bool export_line = false);
// The draft's export settings with what the words ask for; a reframe counts only with a platform (named now or
// before), a new platform keeps no earlier part unless one is named.
DraftExport apply_export_words(DraftExport current, const ExportWords& words);
// "YouTube Shorts (1080x1920, the whole picture over a blurred copy), 1:20-2:50" / "1080p"; "" when nothing is set.
std::string describe_export(const DraftExport& settings, Language language);

}  // namespace bgm
