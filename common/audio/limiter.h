#pragma once
// A look-ahead true-peak limiter that produces a gain envelope rather than audio, so the same envelope can be
// applied to the mix and to every stem (the stems keep summing to the mix).
// Peaks are estimated between samples by 4x polyphase interpolation (as BS.1770 true peak is measured).
// Thread: pure function; any thread.

#include <vector>

#include "audio/audio_buffer.h"

namespace bgm {

struct LimiterSettings {
  double ceiling_dbtp = -1.3;  // below the -1 dBTP promise, for the difference between estimators
  double lookahead_ms = 5.0;   // the gain ramps down over this time before a peak
  double release_ms = 120.0;   // and recovers with this time constant: slow enough not to pump
  bool circular = false;       // a loop: the envelope wraps around so the seam is continuous
};

// Gain per frame (0..1] that keeps `audio * pre_gain * envelope` under the ceiling.
std::vector<float> limiter_envelope(const AudioBuffer& audio, float pre_gain, const LimiterSettings& settings);

// The largest inter-sample peak (linear) of `audio`, estimated with the same interpolator.
double estimated_true_peak(const AudioBuffer& audio);

}  // namespace bgm
