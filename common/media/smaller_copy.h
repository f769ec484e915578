#pragma once
// A smaller copy of a recording, for a service with a size limit (the NemoVideo cloud takes 500 MB): the picture
// scaled down to a height (H.264), the recording's own sound kept (AAC), in MP4. The recording is only read.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>

#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"

namespace bgm {

// Writes `output` (through a temporary name). Errors: those of probing, transcoding and muxing (kMedia, kIo,
// kCancelled); kUnsupported for a file with no picture (a sound file is small already).
Status make_smaller_copy(const std::filesystem::path& source, const std::filesystem::path& output, int max_height,
                         const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
