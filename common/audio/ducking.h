#pragma once
// Ducking: the music drops under speech and comes back after it, with smooth (raised-cosine) ramps that begin
// before the first word so no syllable is masked, and recover slowly enough not to pump between sentences.
// Thread: a DuckingCurve is immutable once made; any thread.

#include <vector>

#include "audio/audio_frames.h"
#include "core/time_span.h"

namespace bgm {

struct DuckSettings {
  double depth_db = 12.0;
  double attack_s = 0.15;   // the ramp down ends where speech starts
  double release_s = 0.4;   // the ramp up starts where speech ends
};

// The gain curve of ducking under `speech`, applied alike to the music and its stems (so they keep summing).
class DuckingCurve final : public GainCurve {
 public:
  DuckingCurve(const std::vector<TimeSpan>& speech, const DuckSettings& settings, int sample_rate);
  void gains(size_t first, float* out, size_t count) const override;
  bool reads_from_any_thread() const override { return true; }

 private:
  std::vector<TimeSpan> spans_;  // merged, in order
  DuckSettings settings_;
  int rate_;
  double floor_;
};

}  // namespace bgm
