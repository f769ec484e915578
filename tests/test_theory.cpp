#include <gtest/gtest.h>

#include "music/theory.h"

namespace bgm {
namespace {

TEST(Theory, ParsesKeysMusiciansWrite) {
  auto k = parse_key("D minor");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->tonic, 2);
  EXPECT_EQ(k->mode, Mode::kMinor);
  EXPECT_EQ(parse_key("F# major")->tonic, 6);
  EXPECT_EQ(parse_key("Bbm")->tonic, 10);
  EXPECT_EQ(parse_key("Bbm")->mode, Mode::kMinor);
  EXPECT_EQ(parse_key("e flat major")->tonic, 3);
  EXPECT_EQ(parse_key("G")->mode, Mode::kMajor);
  EXPECT_FALSE(parse_key("H minor"));
  EXPECT_FALSE(parse_key(""));
  EXPECT_EQ(key_name(Key{2, Mode::kMinor}), "D minor");
  EXPECT_EQ(key_name(Key{10, Mode::kMajor}), "Bb major");
}

TEST(Theory, DiatonicChordsAndTheHarmonicDominant) {
  const Key c_major{0, Mode::kMajor};
  EXPECT_EQ(diatonic_chord(c_major, 0, false).tones, (std::vector<int>{0, 4, 7}));
  EXPECT_EQ(diatonic_chord(c_major, 4, true).tones, (std::vector<int>{7, 11, 2, 5}));  // G7
  const Key a_minor{9, Mode::kMinor};
  EXPECT_EQ(diatonic_chord(a_minor, 4, false).tones, (std::vector<int>{4, 7, 11}));        // e minor
  EXPECT_EQ(diatonic_chord(a_minor, 4, false, false, true).tones, (std::vector<int>{4, 8, 11}));  // E major
}

TEST(Theory, ScaleStepsCrossOctavesExactly) {
  const Key c{0, Mode::kMajor};
  EXPECT_EQ(scale_step(c, 60, 1), 62);
  EXPECT_EQ(scale_step(c, 60, 7), 72);
  EXPECT_EQ(scale_step(c, 60, -1), 59);
  EXPECT_EQ(scale_step(c, 71, 1), 72);
  EXPECT_TRUE(in_scale(c, 64));
  EXPECT_FALSE(in_scale(c, 61));
  EXPECT_EQ(nearest_note(0, 65), 60);
  EXPECT_EQ(nearest_note(0, 67), 72);
}

}  // namespace
}  // namespace bgm
