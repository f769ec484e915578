// Each part as loud whichever SoundFont plays it: the reference levels are FluidR3's own, and the probe that
// measures them is stable.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "synth/level_match.h"

namespace bgm {
namespace {

const char* const kFluidR3 = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

// FluidR3 measured now matches the compiled table (within 0.05 dB); on a mismatch the table to paste into
// common/synth/reference_levels_fluidsynth*.inc (the one for this FluidSynth) is printed.
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
  EXPECT_EQ(off, 0) << "the table for this FluidSynth (synth/reference_levels_fluidsynth*.inc) is not FluidR3 as it "
                        "plays now; measured now:\n"
                     << table;
}

// A part is probed as it plays: its register (pitch quartiles), its median touch and note length; a kit by the
// drums it plays most.
TEST(SoundFontLevels, APartIsProbedAsItPlays) {
  Score score;
  score.tempo = {{0, 120}};  // a beat is 0.5 s
  Part bass;
  bass.role = Role::kBass;
  for (int i = 0; i < 11; ++i) bass.notes.push_back({i * kTicksPerBeat, kTicksPerBeat / 2, 36 + i, 60 + 2 * i});
  const ProbeShape b = part_probe(bass, score);
  EXPECT_EQ(b.notes, (std::array<int, 3>{38, 41, 44}));
  EXPECT_EQ(b.velocity, 70);
  EXPECT_NEAR(b.held_s, 0.25, 1e-9) << "an eighth note at 120 bpm";
  Part kit;
  kit.role = Role::kDrums;
  for (int i = 0; i < 16; ++i) kit.notes.push_back({i * kTicksPerBeat / 2, kTicksPerBeat / 4, 42, 80});
  for (int i = 0; i < 4; ++i) kit.notes.push_back({i * kTicksPerBeat, kTicksPerBeat / 4, 36, 100});
  for (int i = 0; i < 2; ++i) kit.notes.push_back({i * kTicksPerBeat + 240, kTicksPerBeat / 4, 38, 100});
  kit.notes.push_back({0, kTicksPerBeat, 49, 110});
  const ProbeShape k = part_probe(kit, score);
  EXPECT_EQ(k.notes, (std::array<int, 3>{36, 38, 42})) << "the hat, the kick and the snare; not the one crash";
  EXPECT_NEAR(k.held_s, 0.15, 1e-9) << "held 0.125 s, in steps of 50 ms (at least 0.1 s)";
}

// FluidR3 probed at run time (what any other SoundFont is matched against) agrees with its table (what is used
// where FluidR3 is not installed).
TEST(SoundFontLevels, FluidR3ProbedNowAgreesWithItsTable) {
  for (int program : {0, 33, 48, 81}) {
    for (ProbeKind kind : {ProbeKind::kLow, ProbeKind::kHigh}) {
      const auto now = reference_probe_level(0, program, band_probe(kind), 48000);
      const auto table = reference_level(program, kind);
      ASSERT_TRUE(now && table) << program;
      EXPECT_NEAR(*now, *table, 0.05) << "program " << program << " " << probe_kind_code(kind);
    }
  }
  const auto kit = reference_probe_level(128, 0, band_probe(ProbeKind::kKit), 48000);
  ASSERT_TRUE(kit);
  EXPECT_NEAR(*kit, *reference_level(0, ProbeKind::kKit), 0.05);
  EXPECT_FALSE(reference_probe_level(128, 77, band_probe(ProbeKind::kKit), 48000)) << "a kit FluidR3 does not have";
}

}  // namespace
}  // namespace bgm
