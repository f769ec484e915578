#pragma once
// Ducking: the music drops under speech and comes back after it, with smooth (raised-cosine) ramps that begin
// before the first word so no syllable is masked, and recover slowly enough not to pump between sentences.
// Thread: pure function over its arguments; any thread.

#include <vector>

#include "audio/audio_buffer.h"
#include "core/time_span.h"

namespace bgm {

struct DuckSettings {
  double depth_db = 12.0;
  double attack_s = 0.15;   // the ramp down ends where speech starts
  double release_s = 0.4;   // the ramp up starts where speech ends
};

// Applies the same ducking to every buffer (the mix and its stems alike, so the stems keep summing to it).
void apply_ducking(const std::vector<AudioBuffer*>& buffers, const std::vector<TimeSpan>& speech, const DuckSettings& settings);

}  // namespace bgm
