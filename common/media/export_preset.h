#pragma once
// Platform export presets: the frame, frame rate, length and size caps and the encoder settings each platform asks
// for (figures from the platforms' own help and API pages; docs/presets.md lists them with their sources). A preset
// travels as a value from the CLI (`--preset`), the agent ("export for Shorts") and the draft (`m.export.preset`)
// to the transcoder.
// Thread: pure data and functions; any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace bgm {

// How a picture of another shape fills the preset's frame (16:9 into 9:16).
enum class Reframe {
  kFit,   // the whole picture, over a blurred, darkened copy of itself
  kCrop,  // a window that follows where the picture moves, per shot; shots whose activity does not fit are fitted
};

struct ExportPreset {
  std::string id;            // "shorts"
  std::string name;          // "YouTube Shorts"
  int width = 0, height = 0; // the frame; 0: the source's own, scaled down to max_height
  int max_height = 0;        // for source-frame presets
  double max_seconds = 0;    // longest accepted upload (0: no cap)
  double max_fps = 60, min_fps = 0;  // the source's rate inside these bounds (below min_fps: 30)
  int video_kbps = 8000;     // target (VBR) for a re-encode; doubled-and-a-half as the peak
  int video_kbps_high_fps = 0;  // above 30 fps, when the platform asks for more (YouTube: 12 Mb/s at 60)
  int max_video_kbps = 0;    // the platform's peak, when it names one
  double keyframe_s = 0.5;   // a re-encode's closed GOP, in seconds
  double max_keyframe_gap_s = 0;  // the platform's own rule for a stream it takes as it is (0: none)
  int audio_kbps = 192;      // AAC-LC, 48 kHz stereo
  bool copy_when_fits = false;  // the source's H.264 is kept when frame, rate and keyframes already fit
  double max_bytes = 0;      // the platform's file size cap (0: none worth checking)

  bool vertical() const { return height > width; }
  bool source_frame() const { return width == 0; }
};

const std::vector<ExportPreset>& export_presets();
// By id or a name a person uses ("shorts", "YouTube Shorts", "tiktok", "抖音", "b站", "x-vertical"); case-blind.
const ExportPreset* find_export_preset(std::string_view name);
// The preset a message asks for, from its words ("export for Shorts", "make it vertical", "9:16", "竖屏",
// "导出抖音"); a generic vertical request is Shorts. The message as normalize_message gives it.
const ExportPreset* find_export_preset_in(const std::string& normalized_message);
// "youtube, shorts, tiktok, douyin, reels, x, x-vertical, bilibili"
std::string export_preset_ids();
// find_export_preset, or kInvalidArgument naming the presets ("No export preset called 'vimeo'. The presets: ...").
Result<const ExportPreset*> require_export_preset(std::string_view name);
std::optional<Reframe> parse_reframe(std::string_view text);  // "fit", "crop"
const char* reframe_name(Reframe reframe);

// The frame rate an export runs at: the source's, inside the preset's bounds.
double export_fps(const ExportPreset& preset, double source_fps);
// The video bitrate for that rate, in kb/s.
int export_video_kbps(const ExportPreset& preset, double fps);

}  // namespace bgm
