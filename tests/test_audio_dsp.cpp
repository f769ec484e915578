// Mastering stages on signals with known answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"
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

TEST(Loudness, OurFastMeterAgreesWithLibebur128) {
  // Music-like material: tones at several levels with silences, so both gates matter.
  AudioBuffer a(48000 * 20, kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) {
    const double t = static_cast<double>(i) / kSampleRate;
    const double level = (static_cast<int>(t) % 5 == 4) ? 0.0 : 0.05 + 0.1 * (static_cast<int>(t) % 3);
    a.left[i] = static_cast<float>(level * std::sin(2 * M_PI * 110 * t) + 0.3 * level * std::sin(2 * M_PI * 3500 * t));
    a.right[i] = static_cast<float>(level * std::sin(2 * M_PI * 55 * t));
  }
  KMeter fast(kSampleRate);
  // In uneven chunks, as the streaming passes feed it.
  for (size_t pos = 0; pos < a.frames();) {
    const size_t n = std::min<size_t>(777 + pos % 5000, a.frames() - pos);
    fast.add(a.left.data() + pos, a.right.data() + pos, n);
    pos += n;
  }
  EXPECT_NEAR(fast.integrated_lufs(), integrated_lufs(a), 0.05);
  KMeter sine(kSampleRate);
  const AudioBuffer s = tone(997, 1.0, 5);
  sine.add(s.left.data(), s.right.data(), s.frames());
  EXPECT_NEAR(sine.integrated_lufs(), 0.0, 0.05);
  KMeter silent(kSampleRate);
  EXPECT_FALSE(std::isfinite(silent.integrated_lufs()));
}

TEST(Limiter, CatchesInterSamplePeaksThatSamplePeaksMiss) {
  // A sine at fs/4 phased 45 degrees: every sample is at 0.707 of the true peak (-3 dB hidden between samples).
  AudioBuffer a(48000, kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) a.left[i] = a.right[i] = static_cast<float>(std::sin(M_PI / 2 * i + M_PI / 4));
  EXPECT_NEAR(gain_to_db(estimated_true_peak(a)), 0.0, 0.3);
  AudioBuffer limited = a;
  size_t next = 0;
  stream_limiter_gain(limited, 1.0f, LimiterSettings{}, [&](size_t first, const float* g, size_t count) {
    EXPECT_EQ(first, next) << "gains arrive in order, once per frame";
    next = first + count;
    for (size_t k = 0; k < count; ++k) limited.left[first + k] *= g[k], limited.right[first + k] *= g[k];
  });
  EXPECT_EQ(next, a.frames());
  const auto r = measure_loudness(limited);
  ASSERT_TRUE(r);
  EXPECT_LE(r->true_peak_dbtp, -1.0);
}

TEST(Limiter, ALoopsEnvelopeWrapsAroundTheSeam) {
  // A loud hit right at the start of a loop: played on repeat, the end runs into it, so the gain must already be
  // falling at the end and join the start's gain without a jump.
  AudioBuffer a = tone(440, 0.2, 2);
  for (size_t i = 0; i < 480; ++i) a.left[i] = a.right[i] = (i % 2 ? 1.0f : -1.0f);
  auto gains = [&](bool circular) {
    std::vector<float> g(a.frames());
    LimiterSettings s;
    s.circular = circular;
    stream_limiter_gain(a, 1.0f, s, [&](size_t first, const float* v, size_t n) { std::copy(v, v + n, g.begin() + static_cast<long>(first)); });
    return g;
  };
  const auto loop = gains(true);
  const auto once = gains(false);
  EXPECT_LT(loop.back(), 0.95f) << "the look-ahead sees the start coming";
  EXPECT_NEAR(loop.back(), loop.front(), 0.02f) << "no jump in gain at the seam";
  EXPECT_FLOAT_EQ(once.back(), 1.0f) << "a piece that ends does not anticipate its start";
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
