#pragma once
// Shared by everything in common/media that writes files with FFmpeg: the error for a failed write (saying when
// the disk is full or the folder is not writable), and moving an encoder's finished packets into a file.
// Thread: the thread that owns the contexts.

#include <filesystem>

#include "core/result.h"
#include "media/ffmpeg_handles.h"

namespace bgm::ff {

Error write_failure(const std::filesystem::path& path, int err);

// Receives every packet `encoder` has ready, rescales it to `stream` and writes it to `out`.
Status drain_encoder(AVCodecContext* encoder, AVFormatContext* out, AVStream* stream, AVPacket* packet,
                     const std::filesystem::path& path);

}  // namespace bgm::ff
