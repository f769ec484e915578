#pragma once
// Re-encoding a recording's video, only when it must be: a title drawn over its first seconds, a lower height
// ("export 1080p"), a codec the chosen container cannot hold, or a platform's frame, rate, range and bitrate
// (export presets: a 16:9 picture fitted into 9:16 over a blurred copy of itself, or cropped by a window that moves
// with the action). H.264 (x264) for MP4/MOV/MKV, VP9 for WebM. The result is a video-only Matroska file that the
// muxer then copies like any recording.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"

namespace bgm {

struct VideoTransform {
  std::optional<std::string> title;  // drawn centred, fading in and out
  double title_start_s = 0;
  double title_duration_s = 3;
  std::optional<int> max_height;     // scale down (never up) so the height is at most this (width follows)
  bool vp9 = false;                  // for WebM; otherwise H.264
  double start_s = 0;                // a range: the output starts here (frames before it are left out)
  int width = 0, height = 0;         // fill exactly this frame (0: the source's): scaled, and fitted or cropped
  double fps = 0;                    // a constant frame rate (frames repeated or dropped); 0: the source's timing
  // The crop window's left edge (a fraction of the width) at t seconds into the output; nullopt or unset: the whole
  // picture is fitted over a blurred, darkened copy of itself.
  std::function<std::optional<double>(double t)> crop_left;
  double crop_window = 1;            // the crop window's width, as a fraction of the source's
  int video_kbps = 0;                // a target bitrate (VBR, H.264 High, 2 B-frames); 0: constant quality
  int max_video_kbps = 0;            // its peak (0: 1.5x the target)
  double keyframe_s = 0;             // a closed GOP of at most this long; 0: 250 frames
};

Status transcode_video(const std::filesystem::path& source, const std::filesystem::path& output, const VideoTransform& transform,
                       double duration_s, const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
