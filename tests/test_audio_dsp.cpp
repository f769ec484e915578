// Mastering stages on signals with known answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audio/limiter.h"
#include "audio/loudness.h"
#include "audio/master.h"
#include "audio/shaping.h"

namespace bgm {
namespace {

AudioBuffer tone(double freq, double amp, double seconds) {
  AudioBuffer a(static_cast<size_t>(seconds * kSampleRate), kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) {
    const auto v = static_cast<float>(amp * std::sin(2 * M_PI * freq * static_cast<double>(i) / kSampleRate));
    a.left[i] = v;
    a.right[i] = v;
  }
  return a;
}

TEST(Loudness, MatchesTheBs1770ReferenceSine) {
  // BS.1770: a 0 dBFS 997 Hz sine in one channel measures -3.01 LUFS; in both channels of a pair, 0 LUFS.
  AudioBuffer one = tone(997, 1.0, 5);
  std::fill(one.right.begin(), one.right.end(), 0.0f);
  EXPECT_NEAR(integrated_lufs(one), -3.01, 0.05);
  const auto both = measure_loudness(tone(997, 1.0, 5));
  ASSERT_TRUE(both);
  EXPECT_NEAR(both->integrated_lufs, 0.0, 0.05);
  EXPECT_NEAR(both->true_peak_dbtp, 0.0, 0.2);
}

TEST(Limiter, CatchesInterSamplePeaksThatSamplePeaksMiss) {
  // A sine at fs/4 phased 45 degrees: every sample is at 0.707 of the true peak (-3 dB hidden between samples).
  AudioBuffer a(48000, kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) a.left[i] = a.right[i] = static_cast<float>(std::sin(M_PI / 2 * i + M_PI / 4));
  EXPECT_NEAR(gain_to_db(estimated_true_peak(a)), 0.0, 0.3);
  const auto env = limiter_envelope(a, 1.0f, LimiterSettings{});
  AudioBuffer limited = a;
  for (size_t i = 0; i < a.frames(); ++i) limited.left[i] *= env[i], limited.right[i] *= env[i];
  const auto r = measure_loudness(limited);
  ASSERT_TRUE(r);
  EXPECT_LE(r->true_peak_dbtp, -1.0);
}

TEST(Master, HitsTheTargetWithoutPumpingSteadyMaterial) {
  AudioBuffer mix = tone(220, 0.05, 10);
  std::vector<Stem> stems;
  MasterSettings s;
  s.target_lufs = -14;
  auto r = master_audio(mix, stems, s, nullptr);
  ASSERT_TRUE(r) << r.error().message;
  const auto m = measure_loudness(mix);
  EXPECT_NEAR(m->integrated_lufs, -14, 0.2);
  EXPECT_LE(m->true_peak_dbtp, -1.0);
  EXPECT_LT(r->max_gain_reduction_db, 0.01) << "a steady tone at -14 LUFS needs no limiting";
}

TEST(Master, SilenceIsAnErrorNotADivisionByZero) {
  AudioBuffer mix(48000, kSampleRate);
  std::vector<Stem> stems;
  EXPECT_FALSE(master_audio(mix, stems, MasterSettings{}, nullptr));
}

TEST(Shaping, LoopFoldAddsTheOverhangToTheStart) {
  AudioBuffer a(10, kSampleRate);
  for (size_t i = 0; i < 10; ++i) a.left[i] = static_cast<float>(i);
  fold_loop_tail(a, 6);
  ASSERT_EQ(a.frames(), 6u);
  EXPECT_FLOAT_EQ(a.left[0], 0 + 6);
  EXPECT_FLOAT_EQ(a.left[3], 3 + 9);
  EXPECT_FLOAT_EQ(a.left[4], 4);
}

TEST(Shaping, FadeEndsOnExactSilence) {
  AudioBuffer a = tone(440, 0.5, 1);
  fade_out_end(a, 4800);
  EXPECT_EQ(a.left.back(), 0.0f);
  EXPECT_NEAR(std::fabs(a.left[a.frames() - 4800 - 10]), std::fabs(tone(440, 0.5, 1).left[a.frames() - 4800 - 10]), 1e-6);
}

}  // namespace
}  // namespace bgm
