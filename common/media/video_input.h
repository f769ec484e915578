#pragma once
// Opening a media file for its video: the demuxer, the best video stream and its decoder. Shared by the analysis,
// the muxer, the still-picture and the re-encode paths (the probe, which speaks to users, has its own messages).
// Thread: the returned handles belong to the calling thread.

#include <filesystem>

#include "core/cancel.h"
#include "core/result.h"
#include "media/ffmpeg_handles.h"

namespace bgm::ff {

struct VideoInput {
  InputPtr format;
  int index = -1;
  AVStream* stream = nullptr;
  const AVCodec* decoder = nullptr;
};

// Reads stop when `cancel` is set (media_input.h). Errors: kNotFound (not a regular file), kCancelled, kMedia (cannot open, streams unreadable, no video stream or no decoder for it).
Result<VideoInput> open_video_input(const std::filesystem::path& path, const CancelToken* cancel);

}  // namespace bgm::ff
