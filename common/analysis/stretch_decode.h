#pragma once
// Decoding one stretch of a video into per-picture features: from the stream's start or from a keyframe (sought),
// up to where the next stretch begins. Two stretches decoded on two threads, one decoder each, are faster than
// one decoder with two frame threads (the pictures of one stretch depend on each other; the stretches do not).
// Thread: one call per thread; cancel and `stop` from any thread.

#include <atomic>
#include <filesystem>
#include <functional>
#include <limits>
#include <vector>

#include "analysis/feature_tracker.h"
#include "analysis/video_features.h"
#include "core/cancel.h"
#include "core/result.h"
#include "media/packet_scan.h"
#include "media/video_input.h"

namespace bgm {

struct Stretch {
  double from_s = 0;                                        // a keyframe's time
  double to_s = std::numeric_limits<double>::infinity();    // the next stretch's first picture
  bool seek = false;  // start reading at from_s (else from the stream's start, decoding what comes before it)
};

struct StretchPlan {
  ff::FrameSkip skip = ff::FrameSkip::kNone;
  int threads = 1;
  // Aligned with `pictures` (the packet scan, presentation order): pictures decoded although `skip` leaves them
  // out (picture_choice.h). Null: none.
  const std::vector<PacketPicture>* pictures = nullptr;
  const std::vector<bool>* decode_anyway = nullptr;
  double max_gap_s = 60;  // a picture further ahead of the ones before it has a broken timestamp
  // With kBidirectional: the first verify_s seconds are also decoded in full, and the pictures both decodes show
  // compared. Safe when no picture that stays is predicted from a bidirectional one; a stream whose bidirectional
  // pictures are references (pyramids: x264's default, HEVC) may do that. On x264 the pictures are identical. The
  // pictures decoded all the same (decode_anyway) are not compared: they may lean on a skipped reference.
  double verify_s = 0;
  bool keep_thumbnails = false;  // StretchFeatures::thumbnails (9 KB a picture: for short stretches)
  double max_duration_s = 3600;
};

struct StretchFeatures {
  std::vector<FrameFeature> frames;  // presentation order
  FeatureTracker::Picture first, last;  // the first and last pictures (the change across a join is measured from them)
  bool damaged = false;                 // a read failed before the stretch's end
  bool too_long = false;                // a picture past plan.max_duration_s + 1 s
  bool seek_missed = false;             // the seek landed after from_s: the stretch cannot start there
  bool skip_unsafe = false;             // verify_s: leaving out the bidirectional pictures changed the others
  std::vector<FeatureTracker::Picture> thumbnails;  // plan.keep_thumbnails: one per frame
  double fps = 0;
  int width = 0, height = 0;
  double container_s = 0;               // the container's length, 0 when unknown
};

// A picture past the container's length (+1 s) has a broken timestamp and is left out. `decoded_s` (optional)
// follows the presentation time reached, for progress shown by another thread; `tick` (optional) is called on
// this thread after each packet. Errors: those of opening the video and its decoder, kCancelled (cancel or `stop`).
Result<StretchFeatures> decode_stretch(const std::filesystem::path& path, const Stretch& stretch, const StretchPlan& plan,
                                       const CancelToken* cancel, const CancelToken* stop, std::atomic<double>* decoded_s,
                                       const std::function<void()>& tick = {});

}  // namespace bgm
