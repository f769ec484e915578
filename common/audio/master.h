#pragma once
// Mastering: bring the piece to its integrated loudness target with true peaks under -1 dBTP, applying one
// gain and one limiter envelope to the mix and to every stem alike.
// Thread: pure function over its arguments; any thread.

#include <vector>

#include "audio/audio_buffer.h"
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

// Errors: kInternal for silence (nothing to master), kCancelled.
Result<MasterReport> master_audio(AudioBuffer& mix, std::vector<Stem>& stems, const MasterSettings& settings,
                                  const CancelToken* cancel);

}  // namespace bgm
