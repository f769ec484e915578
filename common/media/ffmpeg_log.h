#pragma once
// FFmpeg's process-wide settings, for a program that owns the process (the obs-bgm tool, `serve`, the fuzz
// targets); inside OBS we leave them to OBS.
// Thread: call once at start-up, before other threads use FFmpeg.

#include <cstddef>

namespace bgm {

// FFmpeg's own log lines ("[aac @ 0x...] Qavg: ...") are not for our users.
void quiet_ffmpeg_logging();

// A single FFmpeg allocation over this fails (the file is then refused as unreadable) instead of being made: a
// 2.5 KB MP4 whose header claims a huge table made FFmpeg 5.1's probe ask for 1.4 GB (found by fuzz_media).
// The largest a real file needs is a frame: 8K at 16 bits is about 200 MB.
inline constexpr size_t kMaxFfmpegAllocation = 256u << 20;
void cap_ffmpeg_allocations();

}  // namespace bgm
