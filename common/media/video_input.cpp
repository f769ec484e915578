#include "media/video_input.h"

#include "media/media_input.h"

#include <algorithm>

namespace bgm::ff {

Result<VideoInput> open_video_input(const std::filesystem::path& path, const CancelToken* cancel) {
  auto opened = open_input(path, cancel);
  if (!opened) return opened.error();
  VideoInput in;
  in.format = std::move(opened).value();
  AVFormatContext* raw = in.format.get();
  if (ff::find_stream_info(raw) < 0) return make_error(ErrorCode::kMedia, "Could not read the streams of " + path.string() + ".");
  in.index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &in.decoder, 0);
  if (in.index < 0 || !in.decoder) return make_error(ErrorCode::kMedia, path.string() + " has no video stream FFmpeg can decode.");
  in.stream = raw->streams[in.index];
  return in;
}

double stream_fps(const AVStream* stream) {
  const AVRational r = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
  return r.num > 0 && r.den > 0 ? av_q2d(r) : 0.0;
}

double frame_seconds(const AVFrame* frame, const AVStream* stream, int64_t origin, double fallback) {
  const int64_t pts = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp : frame->pts;
  return pts != AV_NOPTS_VALUE ? static_cast<double>(pts - origin) * av_q2d(stream->time_base) : fallback;
}

void keep_only_video(VideoInput& input) {
  for (unsigned i = 0; i < input.format->nb_streams; ++i)
    if (static_cast<int>(i) != input.index) input.format->streams[i]->discard = AVDISCARD_ALL;
}

AVDiscard discard_for(FrameSkip skip) {
  switch (skip) {
    case FrameSkip::kNonReference: return AVDISCARD_NONREF;
    case FrameSkip::kBidirectional: return AVDISCARD_BIDIR;
    default: return AVDISCARD_DEFAULT;
  }
}

Result<CodecContextPtr> open_summary_decoder(const VideoInput& input, int threads, FrameSkip skip) {
  CodecContextPtr ctx(avcodec_alloc_context3(input.decoder));
  if (!ctx) return make_error(ErrorCode::kMedia, "Could not open the video decoder.");
  avcodec_parameters_to_context(ctx.get(), input.stream->codecpar);
  ctx->thread_count = std::max(1, threads);
  ctx->thread_type = FF_THREAD_FRAME;
  ctx->skip_frame = discard_for(skip);
  ctx->skip_loop_filter = AVDISCARD_ALL;
  ctx->flags2 |= AV_CODEC_FLAG2_FAST;
  if (int err = avcodec_open2(ctx.get(), input.decoder, nullptr); err < 0)
    return make_error(ErrorCode::kMedia, "Could not open the video decoder: " + error_text(err));
  return ctx;
}

}  // namespace bgm::ff
