#pragma once
// FFmpeg's own log lines ("[aac @ 0x...] Qavg: ...") are not for our users. A program that owns the process
// (the obs-bgm tool) silences them; inside OBS we leave FFmpeg's logging to OBS.
// Thread: call once at start-up, before other threads use FFmpeg.

namespace bgm {

void quiet_ffmpeg_logging();

}  // namespace bgm
