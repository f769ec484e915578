#pragma once
// Drum-bus transient control. Raw General MIDI drums peak far above the music's loudness; left alone, the master
// limiter would have to duck the whole mix on every hit (pumping). Taming the drum bus alone keeps the pads and
// melody steady and leaves the master limiter little to do.
// Thread: pure function over its arguments (the audio it reads belongs to the calling thread).

#include <filesystem>

#include "audio/audio_store.h"
#include "core/cancel.h"

namespace bgm {

struct DrumBusSettings {
  double mix_lufs = -20;               // loudness of all buses summed
  double peak_over_loudness_db = 9.0;  // the drums' true peaks stay this far above it
  bool loop = false;                   // the limiter wraps around the seam
  int threads = 1;                     // long audio is tamed in stretches on up to this many threads (same result)
};

struct TamedDrums {
  AudioStore audio;
  double max_reduction_db = 0;  // the deepest cut
};

// Writes `drums` limited with a fast release (a transient shaper, not a level rider) into a new store in `dir`.
// With `beside` (the other buses, as long), the store holds their sum with the tamed drums, `beside` first (what a
// MixFrames of the two would read, to the bit): the passes after read one store instead of two.
// Errors: kIo, kCancelled.
Result<TamedDrums> tame_drum_transients(const AudioFrames& drums, const DrumBusSettings& settings,
                                       const std::filesystem::path& dir, const CancelToken* cancel,
                                       const AudioFrames* beside = nullptr);

}  // namespace bgm
