#pragma once
// Mastering: bring the piece to its integrated loudness target with true peaks under -1 dBTP, applying one
// gain and one limiter envelope to the mix and to every stem alike. Planned in streaming passes over the mix,
// then written to new stores: memory does not grow with the length.
// Thread: pure functions over their arguments (the audio they read belongs to the calling thread).

#include <vector>

#include "audio/audio_store.h"
#include "audio/limiter.h"
#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

// True-peak ceilings: a little under the -1 dBTP promise for lossless files, and lower for lossy ones, whose
// encoders overshoot peaks (AAC and MP3 add up to about 1 dB).
inline constexpr double kCeilingLosslessDbtp = -1.3;
inline constexpr double kCeilingLossyDbtp = -2.0;

struct MasterSettings {
  double target_lufs = -14.0;
  double ceiling_dbtp = kCeilingLosslessDbtp;
  bool loop = false;  // the limiter wraps around the seam
};

struct MasterReport {
  double input_lufs = 0;
  double gain_db = 0;
  double output_lufs = 0;
  double max_gain_reduction_db = 0;  // the limiter's deepest cut
  double limited_share = 0;          // share of the time the limiter cut more than 1 dB
};

// What mastering does to a mix: a gain into the limiter, and a small static trim after it.
struct MasterPlan {
  float gain = 1.0f;
  float trim = 1.0f;
  LimiterSettings limiter;
  MasterReport report;
};

// Measures `mix` and finds the gain and limiting that bring it to the target (a few passes over it).
// Errors: kInternal for silence (nothing to master), kCancelled.
Result<MasterPlan> plan_master(const AudioFrames& mix, const MasterSettings& settings, const CancelToken* cancel);

// Writes `sources` mastered by `plan` into new stores in `dir`: the first is the mix the plan was made for, the
// others (stems) are in step with it and get the same gain frame by frame. Errors: kIo, kCancelled.
Result<std::vector<AudioStore>> write_mastered(const std::vector<const AudioFrames*>& sources, const MasterPlan& plan,
                                               const std::filesystem::path& dir, const CancelToken* cancel);

}  // namespace bgm
