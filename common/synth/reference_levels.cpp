// FluidR3_GM's level under each probe of synth/level_match.h, measured by measure_soundfont_levels at 48 kHz, once
// for each FluidSynth we run on: FluidSynth 2.4 (Debian 13) plays some of FluidR3's presets up to 1.8 dB apart from
// 2.3 (Debian 12), and the table stands for FluidR3 as this machine's FluidSynth would play it (as probing the
// installed FluidR3 does). The test SoundFontLevels.TheReferenceIsFluidR3 measures it again and prints the table
// when it differs.
#include <fluidsynth.h>

#include <algorithm>
#include <iterator>
#include <span>

#include "synth/level_match.h"

namespace bgm {
namespace {

struct Reference {
  short program;
  char kind;  // 'l' low, 'h' high, 't' top, 'k' kit
  float lufs;
};

constexpr Reference kFluidR3OnFluidSynth23[] = {
#include "synth/reference_levels_fluidsynth23.inc"
};
constexpr Reference kFluidR3OnFluidSynth24[] = {
#include "synth/reference_levels_fluidsynth24.inc"
};

// The table of the FluidSynth this process runs with: 2.4 and later (until one renders otherwise and gets its
// own), else 2.3.
std::span<const Reference> table_for_this_fluidsynth() {
  int major = 0, minor = 0, micro = 0;
  fluid_version(&major, &minor, &micro);
  if (major > 2 || (major == 2 && minor >= 4)) return kFluidR3OnFluidSynth24;
  return kFluidR3OnFluidSynth23;
}

}  // namespace

char probe_kind_code(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kLow: return 'l';
    case ProbeKind::kHigh: return 'h';
    case ProbeKind::kTop: return 't';
    case ProbeKind::kKit: return 'k';
  }
  return '?';
}

std::optional<double> reference_level(int program, ProbeKind kind) {
  const char code = probe_kind_code(kind);
  static const std::span<const Reference> table = table_for_this_fluidsynth();
  const auto it = std::find_if(table.begin(), table.end(), [&](const Reference& r) { return r.program == program && r.kind == code; });
  if (it == table.end()) return std::nullopt;
  return it->lufs;
}

}  // namespace bgm
