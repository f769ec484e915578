#include "analysis/video_features.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "analysis/picture_choice.h"
#include "analysis/stretch_decode.h"

namespace bgm {
namespace {

// Splitting pays once each half has a few seconds to decode.
constexpr double kMinSplitS = 10.0;

const char* decoding_name(ff::FrameSkip skip) {
  switch (skip) {
    case ff::FrameSkip::kBidirectional: return "intra and predicted pictures";
    case ff::FrameSkip::kNonReference: return "reference pictures";
    default: return "every picture";
  }
}

// The fastest skip that leaves the pictures kept as a full decode shows them: the bidirectional pictures where
// the parser finds them (checked against a full decode where they are references), else the pictures nothing
// refers to (always safe). Only where the decoder takes the skip per packet: elsewhere the pictures around a cut
// could not be decoded all the same (libdav1d in FFmpeg 7 skips AV1's unreferenced pictures, and every cut on one
// came a frame late), so every picture is decoded, on two threads.
constexpr double kVerifyS = 1.0;
void choose_skip(const PacketScan& scan, const FeatureOptions& options, StretchPlan& plan) {
  plan.verify_s = 0;
  if (options.every_frame || !scan.skips_per_packet) plan.skip = ff::FrameSkip::kNone;
  else if (scan.types_known && scan.has_bidir) plan.skip = ff::FrameSkip::kBidirectional, plan.verify_s = scan.bidir_referenced ? kVerifyS : 0;
  else plan.skip = ff::FrameSkip::kNonReference;
}

struct Decoded {
  StretchFeatures first;
  std::optional<StretchFeatures> second;
};

// Where to split the stream for two decoders: the keyframe nearest the middle, if there is one in the middle half
// and the container can seek to it exactly. nullopt: decode it whole.
std::optional<double> split_point(const PacketScan& scan, int threads) {
  if (threads < 2 || !scan.seeks_exactly || scan.pictures.empty()) return std::nullopt;
  const double length = scan.pictures.back().t;
  if (length < kMinSplitS) return std::nullopt;
  std::optional<double> best;
  for (const auto& p : scan.pictures) {
    if (!p.key || p.t < 0.25 * length || p.t > 0.75 * length) continue;
    if (!best || std::fabs(p.t - length / 2) < std::fabs(*best - length / 2)) best = p.t;
  }
  return best;
}

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
  auto scanned = scan_video_packets(path, options.max_duration_s, cancel);
  if (!scanned) return scanned.error();
  PacketScan& scan = *scanned;
  const std::vector<float> ratios = size_ratios(scan.pictures);
  StretchPlan plan;
  choose_skip(scan, options, plan);
  std::vector<bool> anyway;
  plan.pictures = &scan.pictures;
  plan.decode_anyway = &anyway;
  plan.max_gap_s = options.max_gap_s;
  plan.max_duration_s = options.max_duration_s;
  const std::optional<double> split = split_point(scan, options.threads);

  // Progress from this thread only (callers are told it runs on theirs); the other stretch's reach is read.
  const double expected = scan.pictures.empty() ? 0.0 : scan.pictures.back().t;
  std::atomic<double> first_reach{0}, second_reach{split.value_or(0)};
  double last_report = 0;
  auto tick = [&] {
    if (!progress || expected <= 0) return;
    const double done = first_reach.load(std::memory_order_relaxed) + (split ? second_reach.load(std::memory_order_relaxed) - *split : 0.0);
    if (done - last_report < 5) return;
    last_report = done;
    progress(Stage::kAnalysing, std::min(1.0, done / expected));
  };
  // The stretches decoded with plan.skip; nullopt when a stretch found the skip unsafe.
  auto decode = [&]() -> Result<std::optional<Decoded>> {
    anyway = plan.skip == ff::FrameSkip::kNone ? std::vector<bool>{}
                                               : decode_anyway(scan.pictures, ratios, plan.skip == ff::FrameSkip::kNonReference);
    // One decoder per stretch. Whole, frame threads help a full decode; with the bidirectional pictures left out
    // the predicted ones form one chain, and frame threads only add their synchronisation (measured: slower).
    plan.threads = split || plan.skip == ff::FrameSkip::kBidirectional ? 1 : std::max(1, options.threads);
    CancelToken stop;  // one stretch failing (or finding the skip unsafe) stops the other
    std::optional<Result<StretchFeatures>> second;
    std::thread worker;
    if (split) {
      worker = std::thread([&] {
        second = decode_stretch(path, Stretch{*split, std::numeric_limits<double>::infinity(), true}, plan, cancel, &stop, &second_reach);
        if (!*second || (*second)->skip_unsafe) stop.request_cancel();
      });
    }
    auto first = decode_stretch(path, Stretch{0, split.value_or(std::numeric_limits<double>::infinity()), false}, plan, cancel, &stop,
                                &first_reach, tick);
    if (!first || first->skip_unsafe) stop.request_cancel();
    if (worker.joinable()) worker.join();
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (first && first->skip_unsafe) return std::optional<Decoded>();
    if (first && second && *second && (*second)->seek_missed) {  // the index could not land on the keyframe: read up to it instead
      second = decode_stretch(path, Stretch{*split, std::numeric_limits<double>::infinity(), false}, plan, cancel, nullptr, &second_reach);
    }
    if (second && *second && (*second)->skip_unsafe) return std::optional<Decoded>();
    if (!first) return first.error();
    if (second && !*second) return second->error();
    return std::optional<Decoded>(Decoded{std::move(first).value(), second ? std::optional<StretchFeatures>(std::move(**second)) : std::nullopt});
  };
  auto decoded = decode();
  if (decoded && !*decoded) {  // a predicted picture leans on a bidirectional one: keep the references
    plan.skip = ff::FrameSkip::kNonReference;
    plan.verify_s = 0;
    decoded = decode();
  }
  if (!decoded) return decoded.error();
  if (!*decoded) return make_error(ErrorCode::kMedia, "Could not decode the pictures of " + path.string() + ".");  // not with kNonReference

  StretchFeatures& a = (*decoded)->first;
  VideoFeatures out;
  out.fps = a.fps;
  out.width = a.width;
  out.height = a.height;
  out.decoding = decoding_name(plan.skip);
  out.frames = std::move(a.frames);
  bool damaged = a.damaged, too_long = a.too_long;
  if ((*decoded)->second) {
    StretchFeatures& b = *(*decoded)->second;
    damaged = damaged || b.damaged;
    too_long = too_long || b.too_long;
    if (!b.frames.empty() && !out.frames.empty()) {  // the change across the join, as one decoder would have seen it
      FeatureTracker::change(a.last, b.first, b.frames.front().diff, b.frames.front().hist_diff);
    }
    out.frames.insert(out.frames.end(), b.frames.begin(), b.frames.end());
  }
  if (too_long) return longer_than_limit(path, options.max_duration_s);
  if (out.frames.empty()) {
    return make_error(ErrorCode::kMedia, path.string() + " has no readable video frame. The recording may be damaged.");
  }
  // To the end of the last picture shown, decoded or not (the pictures after the last decoded one may have been
  // left out: bidirectional pictures at the end).
  double last_shown = out.frames.back().t;
  for (auto p = scan.pictures.rbegin(); p != scan.pictures.rend(); ++p) {
    if (p->t < last_shown) break;
    if (p->t <= last_shown + 1.0) {  // a picture past the last decoded one by more is a broken timestamp
      last_shown = p->t;
      break;
    }
  }
  out.duration_s = last_shown + 1.0 / out.fps;
  out.truncated = damaged || (a.container_s > 0 && out.duration_s < a.container_s - 1.0);
  return out;
}

}  // namespace bgm
