#pragma once
// Each part as loud whichever SoundFont plays it. SoundFonts level their instruments differently (MuseScore
// General's kits are up to 5 dB hotter than FluidR3's, its sawtooth lead 5 dB softer), and the styles are balanced
// on FluidR3. Before a render, each part's preset plays a short probe (three notes, or kick, snare and hat) and
// its K-weighted level is compared with FluidR3's level for the same preset and probe (a table measured once, see
// reference_levels.cpp); the difference becomes the channel's attenuation.
// Thread: called by the thread that owns the synthesiser.

#include <fluidsynth.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "compose/score.h"

namespace bgm {

enum class ProbeKind { kLow, kHigh, kTop, kKit };  // notes around C2-D3, G3-C5, G4-C6, a drum kit
// The probe's letter in the reference table: 'l', 'h', 't' or 'k'.
char probe_kind_code(ProbeKind kind);

// The probe for a part: its kit, or the band its notes lie in (a piano's left hand is probed low).
ProbeKind probe_kind(const Part& part);

// The effects as the probes hear them (FluidSynth's defaults): reverb and chorus are part of a preset's sound.
void set_probe_effects(fluid_synth_t* synth);

// The probe's level (LUFS of its 4.5 s, ungated) of whatever `channel` has selected, with the effects as
// set_probe_effects sets them. Leaves the channel silent (the effects ring on: reset the synthesiser after),
// its controllers at their defaults and its own reverb and chorus sends at zero.
double probe_level(fluid_synth_t* synth, int channel, ProbeKind kind, int sample_rate);

// FluidR3_GM's level for General MIDI `program` (kit number for kKit) under the probe; nullopt when not measured.
std::optional<double> reference_level(int program, ProbeKind kind);

// Every probe's level in the SoundFont at `path`: the 128 programs in each band, and the kits (bank 128) it has.
// What reference_levels.cpp holds for FluidR3, and how its test checks it. Empty when the SoundFont does not load.
struct ProbeLevel {
  int program = 0;
  ProbeKind kind = ProbeKind::kHigh;
  double lufs = 0;
};
std::vector<ProbeLevel> measure_soundfont_levels(const std::filesystem::path& soundfont, int sample_rate);

}  // namespace bgm
