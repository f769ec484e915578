#include "analysis/stretch_decode.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include "analysis/thumbnail.h"

namespace bgm {
namespace {

constexpr double kSame = 1e-4;  // one picture's time, read twice
// Read past a stretch's end so the pictures shown before it but decoded after it (reordered) still come out.
constexpr double kReorderMarginS = 0.6;
constexpr float kSameLuma = 0.5f / 255;  // no deblocking in either decode: equal pictures are equal to the bit

// A decoded picture to its features: its thumbnails, then the change from the picture before.
class FeatureMaker {
 public:
  bool make(const AVFrame* frame, double t, FrameFeature& out) {
    std::array<float, kThumbCells> thumb;
    std::array<float, kChromaThumbWidth * kChromaThumbHeight> u{}, v{};
    if (!thumbnailer_.make(frame, thumb.data(), u.data(), v.data())) return false;
    out = tracker_.next(t, thumb.data(), u.data(), v.data(), u.size());
    return true;
  }
  const FeatureTracker::Picture& last() const { return tracker_.last(); }

 private:
  FeatureTracker tracker_;
  Thumbnailer thumbnailer_;
};

// The first seconds of a stretch as a full decode shows them; the skipping decode's pictures there must match.
class SkipCheck {
 public:
  SkipCheck(StretchFeatures reference, double until_s) : reference_(std::move(reference)), until_s_(until_s) {}
  // False: the picture at `t` differs from the full decode's, or the full decode has none there.
  bool matches(double t, const FeatureTracker::Picture& p) const {
    if (t >= until_s_) return true;
    const auto& frames = reference_.frames;
    if (reference_.thumbnails.size() != frames.size()) return false;  // out of order: cannot tell
    const auto twin = std::lower_bound(frames.begin(), frames.end(), t - kSame, [](const FrameFeature& f, double x) { return f.t < x; });
    if (twin == frames.end() || twin->t > t + kSame) return false;
    float diff = 0, hist = 0;
    FeatureTracker::change(reference_.thumbnails[static_cast<size_t>(twin - frames.begin())], p, diff, hist);
    return diff <= kSameLuma;
  }

 private:
  StretchFeatures reference_;
  double until_s_;
};

}  // namespace

Result<StretchFeatures> decode_stretch(const std::filesystem::path& path, const Stretch& stretch, const StretchPlan& plan,
                                       const CancelToken* cancel, const CancelToken* stop, std::atomic<double>* decoded_s,
                                       const std::function<void()>& tick) {
  StretchFeatures out;
  // The check's full decode first, on its own (its decoder is gone before the stretch's opens: memory stays one
  // decoder's).
  std::optional<SkipCheck> check;
  if (plan.skip == ff::FrameSkip::kBidirectional && plan.verify_s > 0) {
    StretchPlan full;
    full.skip = ff::FrameSkip::kNone;
    full.max_gap_s = plan.max_gap_s;
    full.max_duration_s = plan.max_duration_s;
    full.keep_thumbnails = true;
    const double until = stretch.from_s + plan.verify_s;
    auto reference = decode_stretch(path, Stretch{stretch.from_s, std::min(until, stretch.to_s), stretch.seek}, full, cancel, stop, nullptr);
    if (!reference) return reference.error();
    if (reference->seek_missed) {
      out.seek_missed = true;
      return out;
    }
    check.emplace(std::move(reference).value(), until);
  }

  auto input = ff::open_video_input(path, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  AVStream* st = input->stream;
  ff::keep_only_video(*input);
  auto decoder = ff::open_summary_decoder(*input, plan.threads, plan.skip);
  if (!decoder) return decoder.error();
  ff::CodecContextPtr ctx = std::move(decoder).value();

  out.fps = sane_fps(ff::stream_fps(st));
  out.width = ctx->width;
  out.height = ctx->height;
  out.container_s = in->duration > 0 ? static_cast<double>(in->duration) / AV_TIME_BASE : 0.0;
  const double tb = av_q2d(st->time_base);
  const int64_t origin = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  auto time_of = [&](int64_t ts) { return static_cast<double>(ts - origin) * tb; };
  // What a file claims is not trusted: a picture far past the container's length, or far ahead of the pictures
  // before it, carries a broken timestamp and is left out (one such picture must not make a 2 s clip an hour long).
  const double latest_allowed = out.container_s > 0 ? out.container_s + 1.0 : std::numeric_limits<double>::infinity();
  const bool sought = stretch.seek && stretch.from_s > 0;
  if (sought) {
    const auto target = origin + static_cast<int64_t>(std::llround(stretch.from_s / tb));
    if (av_seek_frame(in.get(), input->index, target, AVSEEK_FLAG_BACKWARD) < 0) {
      out.seek_missed = true;
      return out;
    }
  }

  // Pictures decoded although `skip` leaves them out elsewhere: found by their time in the scan.
  const auto* pictures = plan.pictures;
  const auto* anyway = plan.decode_anyway;
  const bool toggles = plan.skip != ff::FrameSkip::kNone && pictures && anyway && anyway->size() == pictures->size();
  const AVDiscard usual = ff::discard_for(plan.skip);
  auto wanted_anyway = [&](double t) {
    const auto it = std::lower_bound(pictures->begin(), pictures->end(), t - kSame, [](const PacketPicture& p, double x) { return p.t < x; });
    return it != pictures->end() && it->t <= t + kSame && (*anyway)[static_cast<size_t>(it - pictures->begin())];
  };

  FeatureMaker maker;
  double reached = stretch.from_s;
  bool first_packet = true, ended = false;
  ff::PacketPtr pkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc());
  auto drain = [&] {
    while (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) {
      const double t = ff::frame_seconds(frame.get(), st, origin, reached + 1.0 / out.fps);
      const bool inside = t >= stretch.from_s - kSame && t < stretch.to_s - kSame;
      const bool plausible = std::isfinite(t) && t > -1.0 && t <= latest_allowed && t <= reached + plan.max_gap_s;
      FrameFeature f;
      if (inside && plausible && maker.make(frame.get(), std::max(0.0, t), f)) {
        if (out.frames.empty()) out.first = maker.last();
        out.frames.push_back(f);
        if (plan.keep_thumbnails) out.thumbnails.push_back(maker.last());
        // The check is on the pictures the skip keeps; one decoded all the same may lean on a skipped reference
        // further back (x264's B-references chain) and be a little off, which does not hide a cut.
        if (check && !(toggles && wanted_anyway(t)) && !check->matches(t, maker.last())) out.skip_unsafe = true;
        reached = std::max(reached, t);
        out.too_long = out.too_long || reached > plan.max_duration_s + 1.0;
        if (decoded_s) decoded_s->store(reached, std::memory_order_relaxed);
      }
      av_frame_unref(frame.get());
    }
  };
  while (!ended) {
    const int err = av_read_frame(in.get(), pkt.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) {  // a damaged or truncated file: keep what was readable
      out.damaged = true;
      break;
    }
    if (pkt->stream_index == input->index) {
      const int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
      const double t = ts != AV_NOPTS_VALUE ? time_of(ts) : reached;
      if (first_packet && sought && t > stretch.from_s + 0.5 / out.fps) {  // an index that cannot land on the keyframe
        out.seek_missed = true;
        return out;
      }
      first_packet = false;
      if (toggles) ctx->skip_frame = wanted_anyway(t) ? AVDISCARD_DEFAULT : usual;
      if (avcodec_send_packet(ctx.get(), pkt.get()) >= 0) drain();
      // Past the end and its reordered pictures (a wild timestamp far beyond does not end it).
      ended = t >= stretch.to_s + kReorderMarginS && t <= stretch.to_s + kReorderMarginS + plan.max_gap_s;
    }
    av_packet_unref(pkt.get());
    if ((cancel && cancel->cancelled()) || (stop && stop->cancelled())) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (out.too_long || out.skip_unsafe) return out;
    if (tick) tick();
  }
  avcodec_send_packet(ctx.get(), nullptr);
  drain();
  // Decoders give pictures in presentation order; a stream with broken timestamps may not.
  const auto earlier = [](const FrameFeature& a, const FrameFeature& b) { return a.t < b.t; };
  if (!std::is_sorted(out.frames.begin(), out.frames.end(), earlier)) {
    out.thumbnails.clear();
    std::stable_sort(out.frames.begin(), out.frames.end(), earlier);
  }
  if (!out.frames.empty()) out.last = maker.last();
  return out;
}

}  // namespace bgm
