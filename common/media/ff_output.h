#pragma once
// Shared by everything in common/media that writes files with FFmpeg: the error for a failed write (saying when
// the disk is full or the folder is not writable), and moving an encoder's finished packets into a file.
// Thread: the thread that owns the contexts.

#include <filesystem>

#include "core/result.h"
#include "media/ffmpeg_handles.h"

namespace bgm::ff {

// AAC's bit rate, in the scored videos and in .m4a/.aac files. At 192 kb/s FFmpeg 7.1's AAC encoder (Debian 13) lifted
// a -1.9 dBTP master to -0.1 dBTP on some music (5.1's stayed within 0.1 dB); at 256 kb/s both stay within 0.1 dB,
// so the delivered file keeps the -1 dBTP the master leaves room for. (YouTube asks for 384 kb/s AAC uploads.)
inline constexpr int kAacBitRate = 256000;

Error write_failure(const std::filesystem::path& path, int err);

// Receives every packet `encoder` has ready, rescales it to `stream` and writes it to `out`.
Status drain_encoder(AVCodecContext* encoder, AVFormatContext* out, AVStream* stream, AVPacket* packet,
                     const std::filesystem::path& path);

}  // namespace bgm::ff
