#pragma once
// What every FluidSynth render shares: opening the synthesiser on a SoundFont (with the messages a user gets when
// it is missing or damaged), choosing each part's preset, and setting a channel up as the part asks (its level
// against FluidR3's, volume, pan, sends, high-pass) and the piece's effects. Used by the offline render
// (SoundFontSynth) and the live stream (StreamSynth).
// Thread: a FluidInstance belongs to one thread at a time; the functions run on the thread that owns it.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compose/score.h"
#include "core/result.h"
#include "synth/fluid_handles.h"

namespace bgm {

// The most a part's level is moved to match FluidR3's: beyond it the preset is not the same instrument. Every
// channel sits this far down and moves from there, so a part can also rise.
inline constexpr double kMaxLevelMatchDb = 12.0;

struct FluidOpenOptions {
  std::filesystem::path soundfont;  // empty: default_soundfont_path()
  int sample_rate = 48000;
  int cpu_cores = 1;
  int audio_groups = 1;    // stereo outputs
  int effects_groups = 1;  // reverb and chorus units
  // Each part's own high-pass (FluidSynth's custom filter: a second IIR on every voice, about a quarter of the
  // synthesiser's time). Off, apply_part's low cut does nothing.
  bool part_high_pass = true;
};

struct FluidInstance {
  FluidSettingsPtr settings;
  FluidSynthPtr synth;
  int sfont_id = -1;
  std::filesystem::path path;  // the SoundFont loaded
  std::string probe_key;       // the SoundFont file and the rate, for the level probes' cache
  bool is_reference = false;   // FluidR3 itself: its parts are where the styles put them
};

// Opens FluidSynth on the SoundFont, quiet (its log is not for our users), with the parts' high-pass filter type.
// Errors: kResourceMissing (no SoundFont), kSynth (not a SoundFont, damaged, no memory).
Result<FluidInstance> open_fluid(const FluidOpenOptions& options);

// Selects the part's preset on `channel` (the first kit or instrument when the SoundFont lacks it) and returns the
// dB by which the part is lifted to sit at FluidR3's level (0 with FluidR3; probes otherwise, cached per process).
double select_part(FluidInstance& fluid, int channel, const Part& part, const Score& score);

// Keeps the presets of `parts` loaded in `fluid`'s SoundFont for its lifetime: with dynamic sample loading a
// preset's samples are decoded when a channel selects it and dropped when none does, so every reset of the lane
// (and every part probed in turn on one channel) would decode them again. A synthesiser of its own, lent the
// SoundFont, that selects each preset once and plays nothing. Outlives no FluidInstance it holds for.
// Thread: the thread that uses `fluid` (while it is not playing).
class PresetHold {
 public:
  PresetHold(FluidInstance& fluid, const std::vector<const Part*>& parts);
  PresetHold(const PresetHold&) = delete;
  PresetHold& operator=(const PresetHold&) = delete;

 private:
  FluidSettingsPtr settings_;
  FluidSynthPtr synth_;
  std::optional<LentSoundFont> lent_;  // given back before the synthesiser goes
};

// The part's level, volume, pan, sends and high-pass on `channel`.
void apply_part(fluid_synth_t* synth, int channel, const Part& part, double lift_db);

// The piece's reverb and chorus (the style's room and levels).
void apply_piece_effects(fluid_synth_t* synth, const Score& score);

}  // namespace bgm
