#pragma once
// Re-encoding a recording's video, only when it must be: a title drawn over its first seconds, a lower height
// ("export 1080p"), or a codec the chosen container cannot hold. H.264 (x264) for MP4/MOV/MKV, VP9 for WebM.
// The result is a video-only Matroska file that the muxer then copies like any recording.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>
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
};

Status transcode_video(const std::filesystem::path& source, const std::filesystem::path& output, const VideoTransform& transform,
                       double duration_s, const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
