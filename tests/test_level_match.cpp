// Each part as loud whichever SoundFont plays it: the reference levels are FluidR3's own, and the probe that
// measures them is stable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "synth/level_match.h"

namespace bgm {
namespace {

const char* const kFluidR3 = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

// FluidR3 measured now matches the compiled table (within 0.05 dB); on a mismatch the table to paste into
// common/synth/reference_levels.inc is printed.
TEST(SoundFontLevels, TheReferenceIsFluidR3) {
  const auto levels = measure_soundfont_levels(kFluidR3, 48000);
  ASSERT_GE(levels.size(), 384u) << "FluidR3 has 128 programs, each probed in three bands, and its kits";
  int off = 0;
  std::string table;
  for (const auto& l : levels) {
    char line[64];
    std::snprintf(line, sizeof line, "{%d, '%c', %.2ff},\n", l.program, probe_kind_code(l.kind), l.lufs);
    table += line;
    const auto ref = reference_level(l.program, l.kind);
    if (!ref || std::fabs(*ref - l.lufs) > 0.05) ++off;
  }
  EXPECT_EQ(off, 0) << "reference_levels.inc is not FluidR3's; measured now:\n" << table;
}

}  // namespace
}  // namespace bgm
