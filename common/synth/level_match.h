#pragma once
// Each part as loud whichever SoundFont plays it. SoundFonts level their instruments differently (MuseScore
// General's kits are up to 5 dB hotter than FluidR3's, its sawtooth lead 5 dB softer), and the styles are balanced
// on FluidR3. Before a render, each part's preset plays a short probe shaped like the part (its register, touch and
// note length) and its K-weighted level is compared with FluidR3's for the part's own preset under the same probe
// (FluidR3 probed too when installed; else a table of band probes measured once, see reference_levels.cpp); the
// difference becomes the channel's attenuation. With FluidR3 itself nothing is probed.
// Thread: functions that probe say which; the others are pure.

#include <fluidsynth.h>

#include <array>
#include <compare>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compose/score.h"

namespace bgm {

enum class ProbeKind { kLow, kHigh, kTop, kKit };  // notes around C2-D3, G3-C5, G4-C6, a drum kit
// The probe's letter in the reference table: 'l', 'h', 't' or 'k'.
char probe_kind_code(ProbeKind kind);

// The probe for a part: its kit, or the band its notes lie in (a piano's left hand is probed low).
ProbeKind probe_kind(const Part& part);

// The reverb of a piece: damping and width are the same in every piece, room and level are the style's.
inline constexpr double kPieceReverbDamp = 0.3;
inline constexpr double kPieceReverbWidth = 1.0;

// What a probe plays: three notes (or three drums) one after another at one velocity, each held `held_s` and
// measured until 0.3 s after its release; and where they sound: the effects (FluidSynth's defaults for the band
// probes; the piece's own for a part's probe: a preset leaning on chorus is heard as the piece will hear it), the
// part's reverb and chorus sends and its high-pass. Ordered, so it can key a cache.
struct ProbeShape {
  std::array<int, 3> notes{};
  int velocity = 100;
  double held_s = 1.2;
  double reverb_room = 0.2, reverb_damp = 0.0, reverb_width = 0.5, reverb_level = 0.9, chorus_level = 2.0;
  int reverb_send = 0, chorus_send = 0;  // CC91, CC93
  bool preset_chorus = true;             // false: the preset's own chorus send cancelled (Part::preset_chorus)
  double low_cut_hz = 0;                 // 0: no high-pass
  // Shaped as the piece shapes the part (synth/part_image.h: its width, the returns narrowed, a mono low end) or
  // as FluidSynth plays it (the band probes, as the reference table was measured).
  bool shaped = false;
  double width = 1.0;  // around the centre, where the probe plays
  auto operator<=>(const ProbeShape&) const = default;
};

// The reference table's probe for a band: notes held 1.2 s (past a pad's attack, into its sustain) at velocity 100.
ProbeShape band_probe(ProbeKind kind);

// A part's own probe: the notes at its pitch quartiles (a kit's three most played drums), its median velocity and
// its median note length (0.1 to 2.5 s), in the piece's effects with the part's sends and high-pass: a preset is
// matched as the part plays it (a short synth bass, a soft arpeggio), not only as a held note sounds.
ProbeShape part_probe(const Part& part, const Score& score);

// The probe's level (LUFS over the probe, ungated) of preset `bank`/`program` of `sfont`, a SoundFont another
// synthesiser loaded: it is lent to a synthesiser made for this one probe (reverb and chorus at FluidSynth's
// defaults: they are part of a preset's sound) and given back. A fresh synthesiser each time: the level does not
// depend on what was probed before, and the synthesiser that plays the piece never plays a probe (FluidSynth's
// voices keep state across a reset: a piece played after probes differs in its last bits).
// -HUGE_VAL when the preset is silent there or no synthesiser could be made.
// Thread: any that may use `sfont` (the synthesiser that loaded it is not playing meanwhile).
double probe_preset_level(fluid_sfont_t* sfont, int bank, int program, const ProbeShape& shape, int sample_rate);

// probe_preset_level's result, measured once per process: `soundfont_key` names the SoundFont file (path, size,
// modification time) and the rate, so a changed file is measured again. `measure` runs only on a miss. Keeps at
// most a few thousand entries (then starts over).
// Thread: any (one lock; `measure` runs outside it, so two threads may both measure the same new probe).
double cached_probe_level(const std::string& soundfont_key, int bank, int program, const ProbeShape& shape,
                          const std::function<double()>& measure);

// The SoundFont the styles are balanced on: Debian's FluidR3_GM.
const std::filesystem::path& reference_soundfont_path();

// FluidR3_GM's level for preset `bank`/`program` under `shape`, probed on FluidR3 itself (loaded once per process,
// with dynamic sample loading) and cached; nullopt when FluidR3 is not installed or lacks the preset.
// Thread: any (probes of the reference take turns).
std::optional<double> reference_probe_level(int bank, int program, const ProbeShape& shape, int sample_rate);

// The level match of one part, in dB (within +-limit_db): what brings the part, played by preset `bank`/`program`
// of `sfont` (the SoundFont named by `soundfont_key`), to FluidR3's level for the part's own preset. The part's
// own probe against FluidR3 probed alike when FluidR3 is installed; else its band probe against the table of
// reference_levels.cpp (only when the preset is the part's own). 0 when nothing is known to compare.
// Thread: as probe_preset_level.
double level_match_db(fluid_sfont_t* sfont, const std::string& soundfont_key, const Part& part, const Score& score, int bank,
                      int program, int sample_rate, double limit_db);

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
