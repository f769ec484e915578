#pragma once
// Drum-bus transient control and the mix-down. Raw General MIDI drums peak far above the music's loudness; left
// alone, the master limiter would have to duck the whole mix on every hit (pumping). Taming the drum bus alone
// keeps the pads and melody steady and leaves the master limiter little to do.
// Thread: pure functions over their arguments; any thread.

#include <vector>

#include "audio/audio_buffer.h"

namespace bgm {

struct DrumBusReport {
  double mix_lufs = 0;          // loudness of all buses summed, before taming
  double max_reduction_db = 0;  // deepest cut on the drum bus
};

// Limits each drum bus so its true peaks stay `peak_over_loudness_db` above the summed mix's loudness, with a
// fast release (a transient shaper, not a level rider). Other buses are untouched.
DrumBusReport tame_drum_transients(std::vector<Stem>& buses, double peak_over_loudness_db = 9.0, bool loop = false);

// The sum of the buses. With `keep` false the buses are consumed (the first one becomes the mix).
AudioBuffer mix_down(std::vector<Stem>& buses, bool keep);

}  // namespace bgm
