#pragma once
// Per-picture features of a video, read with FFmpeg: a 64x36 luma thumbnail averaged straight from the Y plane (no
// scaler: cheap and free of aliasing), its change from the picture before, a luma histogram's change, and the
// picture's brightness and colour. The cut detector and the mood estimate work from these.
// Decoding is the cost, so not every picture is decoded: the packets are scanned first (picture types, sizes,
// keyframes: media/packet_scan.h); the bidirectional pictures are left out where that leaves the others as a full
// decode shows them (checked: stretch_decode.h), else the pictures nothing refers to; the ones shown just before a
// picture that looks like a cut are decoded all the same (picture_choice.h); and the file is decoded as two
// stretches on two threads, split at a keyframe.
// Thread: call from a worker thread (it starts one more); cancel from any thread.

#include <filesystem>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"
#include "spec/music_spec.h"

namespace bgm {

struct FrameFeature {
  double t = 0;          // seconds from the start of the video stream
  float luma = 0;        // mean brightness, 0..1
  float diff = 0;        // mean absolute change of the thumbnail from the previous frame, 0..1
  float hist_diff = 0;   // change of the 16-bin luma histogram (half the L1 distance), 0..1
  float cb = 0, cr = 0;  // mean chroma, -0.5..0.5 (cr - cb: warm versus cool)
  float saturation = 0;  // mean chroma magnitude
};

struct VideoFeatures {
  double fps = 0;
  double duration_s = 0;  // up to the end of the last readable frame
  int width = 0, height = 0;
  bool truncated = false; // decoding stopped at damaged data before the container's end
  std::vector<FrameFeature> frames;      // the decoded pictures (every one, or a subset), in time order
  std::string decoding;  // which pictures were decoded: "every picture", "reference pictures", "intra and predicted pictures"
};

struct FeatureOptions {
  int threads = 2;                         // stretches decoded at once (one decoder each)
  bool every_frame = false;                // decode every picture (the reference the faster decode is held to)
  double max_duration_s = kMaxDurationS;   // decoding stops with an error once the frames pass this (+1 s)
  double max_gap_s = 60;                   // a frame further ahead of the ones before it has a broken timestamp
};

// A frame rate to compute with: a missing, absurd or non-finite one (0, 1e300) is taken as 30 fps.
double sane_fps(double fps);

// "<path> is longer than an hour, the most obs-bgm scores at once. ..." (kInvalidArgument)
Error longer_than_limit(const std::filesystem::path& path, double limit_s = kMaxDurationS);

// Frames whose timestamps are broken (far past the container's length or far ahead of the frames before them)
// are left out. Errors: kMedia (no video stream, no decodable frame), kInvalidArgument (longer than
// options.max_duration_s, found while decoding), kCancelled, kNotFound (not a regular file).
Result<VideoFeatures> extract_video_features(const std::filesystem::path& path, const FeatureOptions& options,
                                             const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
