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

// The stream's frame rate (its average, else its base rate); 0 when it does not say.
double stream_fps(const AVStream* stream);
// A decoded picture's presentation time in seconds from `origin` (the stream's start, in its time base), or
// `fallback` when the picture has none.
double frame_seconds(const AVFrame* frame, const AVStream* stream, int64_t origin, double fallback);

// Only the video stream is demuxed: the others are discarded before a packet is read.
void keep_only_video(VideoInput& input);

// Which pictures a summary decoder leaves out. Pictures nothing is predicted from can go without changing any
// other; bidirectional ones only when no picture that stays is predicted from them (the analysis checks).
enum class FrameSkip { kNone, kNonReference, kBidirectional };

// A decoder for summaries of the picture (64x36 averages: the features, the crop's activity): frame threads (one
// thread: none), no deblocking filter (averages do not see it; 15-20% cheaper on 1080p H.264), the decoder's fast
// flags, and `skip`. Errors: kMedia (the decoder cannot be opened).
Result<CodecContextPtr> open_summary_decoder(const VideoInput& input, int threads, FrameSkip skip);
// The AVDiscard level for `skip` (a decoder without frame threads reads it before each packet, so it can change
// from one packet to the next).
AVDiscard discard_for(FrameSkip skip);

}  // namespace bgm::ff
