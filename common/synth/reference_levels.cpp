// FluidR3_GM's level under each probe of synth/level_match.h, measured by measure_soundfont_levels at 48 kHz.
// The test SoundFontLevels.TheReferenceIsFluidR3 measures it again and prints this table when it differs.
#include <algorithm>
#include <iterator>

#include "synth/level_match.h"

namespace bgm {
namespace {

struct Reference {
  short program;
  char kind;  // 'l' low, 'h' high, 't' top, 'k' kit
  float lufs;
};

constexpr Reference kFluidR3[] = {
#include "synth/reference_levels.inc"
};

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
  const auto* it = std::find_if(std::begin(kFluidR3), std::end(kFluidR3), [&](const Reference& r) { return r.program == program && r.kind == code; });
  if (it == std::end(kFluidR3)) return std::nullopt;
  return it->lufs;
}

}  // namespace bgm
