#include "analysis/column_activity.h"

#include <algorithm>
#include <cmath>

#include "analysis/thumbnail.h"
#include "media/video_input.h"

namespace bgm {

Result<ColumnActivity> measure_column_activity(const std::filesystem::path& path, double start_s, double duration_s, const CancelToken* cancel) {
  auto input = ff::open_video_input(path, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  AVStream* st = input->stream;
  ff::keep_only_video(*input);
  auto decoder = ff::open_summary_decoder(*input, 2, ff::FrameSkip::kNone);
  if (!decoder) return decoder.error();
  ff::CodecContextPtr ctx = std::move(decoder).value();
  const double tb = av_q2d(st->time_base);
  const int64_t origin = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  if (start_s > 1.0) av_seek_frame(in.get(), input->index, origin + static_cast<int64_t>(start_s / tb), AVSEEK_FLAG_BACKWARD);
  const double end_s = duration_s > 0 ? start_s + duration_s : 1e12;

  ColumnActivity out;
  Thumbnailer thumbnailer;
  std::array<float, kThumbWidth * kThumbHeight> thumb{}, previous{};
  bool have_previous = false;
  double next_sample = start_s;
  bool done = false;
  ff::PacketPtr pkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc());
  auto drain = [&] {
    while (!done && avcodec_receive_frame(ctx.get(), frame.get()) >= 0) {
      const double t = ff::frame_seconds(frame.get(), st, origin, next_sample);
      if (t >= end_s) done = true;
      if (!done && t + 1e-6 >= next_sample && thumbnailer.make(frame.get(), thumb.data())) {
        ActivitySample s;
        s.t = t - start_s;
        if (have_previous) {
          for (int y = 0; y < kThumbHeight; ++y)
            for (int x = 0; x < kThumbWidth; ++x) s.columns[x] += std::fabs(thumb[y * kThumbWidth + x] - previous[y * kThumbWidth + x]);
          out.samples.push_back(s);
        }
        previous = thumb;
        have_previous = true;
        next_sample = t + kActivityIntervalS;
      }
      av_frame_unref(frame.get());
    }
  };
  while (!done && av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == input->index && avcodec_send_packet(ctx.get(), pkt.get()) >= 0) drain();
    av_packet_unref(pkt.get());
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }
  if (!done) {
    avcodec_send_packet(ctx.get(), nullptr);
    drain();
  }
  return out;
}

}  // namespace bgm
