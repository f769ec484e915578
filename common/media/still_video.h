#pragma once
// A still picture made into a video: H.264 (x264, tuned for still images, so the repeated frames cost almost
// nothing) at 30 frames per second for the given length, written to a Matroska file.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

// Errors: kMedia (the picture cannot be decoded, no H.264 encoder), kIo, kCancelled.
Status encode_still_video(const std::filesystem::path& image, const std::filesystem::path& output, double duration_s,
                          const CancelToken* cancel);

}  // namespace bgm
