#include "analysis/video_features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "analysis/feature_tracker.h"
#include "analysis/thumbnail.h"
#include "media/video_input.h"


namespace bgm {
namespace {

constexpr int kThumbW = kThumbWidth, kThumbH = kThumbHeight;

class FeatureMaker {
 public:
  FrameFeature make(const AVFrame* frame, double t) {
    std::array<float, kThumbW * kThumbH> thumb;
    std::array<float, kChromaThumbWidth * kChromaThumbHeight> u{}, v{};
    if (!thumbnailer_.make(frame, thumb.data(), u.data(), v.data())) return {};
    return tracker_.next(t, thumb.data(), u.data(), v.data(), u.size());
  }

 private:
  FeatureTracker tracker_;
  Thumbnailer thumbnailer_;
};

}  // namespace

double sane_fps(double fps) { return std::isfinite(fps) && fps >= 1.0 && fps <= 1000.0 ? fps : 30.0; }

Error longer_than_limit(const std::filesystem::path& path, double limit_s) {
  const bool hour = limit_s == kMaxDurationS;
  return make_error(ErrorCode::kInvalidArgument, path.string() + " is longer than " +
                                                     (hour ? std::string("an hour") : std::to_string(static_cast<long>(limit_s)) + " s") +
                                                     ", the most obs-bgm scores at once. Trim it (OBS: record shorter parts, or "
                                                     "split the file) and score each part.");
}

Result<VideoFeatures> extract_video_features(const std::filesystem::path& path, const FeatureOptions& options,
                                             const CancelToken* cancel, const ProgressFn& progress) {
  auto input = ff::open_video_input(path, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  const int index = input->index;
  AVStream* st = input->stream;
  int err = 0;
  ff::keep_only_video(*input);  // do not even demux audio
  auto decoder = ff::open_summary_decoder(*input, options.threads, options.skip_nonref);
  if (!decoder) return decoder.error();
  ff::CodecContextPtr ctx = std::move(decoder).value();

  VideoFeatures out;
  const AVRational fr = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  out.fps = sane_fps(fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0.0);
  out.width = ctx->width;
  out.height = ctx->height;
  const double tb = av_q2d(st->time_base);
  const int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  const double expected = in->duration > 0 ? static_cast<double>(in->duration) / AV_TIME_BASE : 0.0;
  // What a file claims is not trusted: a frame far past the container's length, or far ahead of the frames before
  // it, carries a broken timestamp and is left out (one such frame must not make a 2 s clip an hour long); and the
  // length the decoded frames reach is held to the limit while decoding, not only from the container.
  const double latest_allowed = expected > 0 ? expected + 1.0 : std::numeric_limits<double>::infinity();
  double reached = 0;
  bool too_long = false;
  FeatureMaker maker;
  ff::PacketPtr pkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc());
  double last_report = 0;
  bool damaged = false;
  auto drain = [&]() {
    while (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) {
      const int64_t pts = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp : frame->pts;
      const double t = pts != AV_NOPTS_VALUE ? static_cast<double>(pts - start) * tb
                                             : static_cast<double>(out.frames.size()) / out.fps;
      const bool plausible = std::isfinite(t) && t > -1.0 && t <= latest_allowed && t <= reached + options.max_gap_s;
      if (plausible) {
        out.frames.push_back(maker.make(frame.get(), std::max(0.0, t)));
        reached = std::max(reached, t);
        too_long = too_long || reached > options.max_duration_s + 1.0;
      }
      av_frame_unref(frame.get());
    }
  };
  while (true) {
    err = av_read_frame(in.get(), pkt.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) {  // a damaged or truncated file: keep what was readable
      damaged = true;
      break;
    }
    if (pkt->stream_index == index && avcodec_send_packet(ctx.get(), pkt.get()) >= 0) drain();
    av_packet_unref(pkt.get());
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (too_long) return longer_than_limit(path, options.max_duration_s);
    if (progress && !out.frames.empty() && expected > 0 && out.frames.back().t - last_report > 5) {
      last_report = out.frames.back().t;
      progress(Stage::kAnalysing, std::min(1.0, last_report / expected));
    }
  }
  avcodec_send_packet(ctx.get(), nullptr);
  drain();
  if (too_long) return longer_than_limit(path, options.max_duration_s);
  if (out.frames.empty()) {
    return make_error(ErrorCode::kMedia, path.string() + " has no readable video frame. The recording may be damaged.");
  }
  std::stable_sort(out.frames.begin(), out.frames.end(), [](const FrameFeature& a, const FrameFeature& b) { return a.t < b.t; });
  out.duration_s = out.frames.back().t + 1.0 / out.fps;
  out.truncated = damaged || (expected > 0 && out.duration_s < expected - 1.0);
  return out;
}

}  // namespace bgm
