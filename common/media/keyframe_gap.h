#pragma once
// The longest stretch between keyframes in a video stream, read from the packets alone (nothing decoded): a
// platform that asks for a keyframe at least every 10 s (Bilibili) takes the stream as it is only when it has one.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

// Seconds, including the stretch from the last keyframe to the end. Errors: those of opening the video, kCancelled.
Result<double> longest_keyframe_gap(const std::filesystem::path& path, const CancelToken* cancel);

}  // namespace bgm
