#include "media/keyframe_gap.h"

#include <algorithm>

#include "media/video_input.h"

namespace bgm {

Result<double> longest_keyframe_gap(const std::filesystem::path& path, const CancelToken* cancel) {
  auto input = ff::open_video_input(path, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  ff::keep_only_video(*input);
  const double tb = av_q2d(input->stream->time_base);
  double longest = 0, last_key = -1, latest = 0;
  ff::PacketPtr pkt(av_packet_alloc());
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    const int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
    if (pkt->stream_index == input->index && ts != AV_NOPTS_VALUE) {
      const double t = static_cast<double>(ts) * tb;
      latest = std::max(latest, t);
      if (pkt->flags & AV_PKT_FLAG_KEY) {
        if (last_key >= 0) longest = std::max(longest, t - last_key);
        last_key = t;
      }
    }
    av_packet_unref(pkt.get());
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }
  if (last_key < 0) return latest + 1;  // no keyframe at all
  return std::max(longest, latest - last_key);
}

}  // namespace bgm
