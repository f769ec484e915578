// The level ride (audio/level_ride.h) on signals with known answers: a dip is lifted, a steady piece is left
// alone, an ending's decay, silence and the room made for a voice are not pulled up, and a loop's ride joins
// across the seam.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

#include "audio/level_ride.h"
#include "support/audio_measures.h"
#include "support/test_support.h"

namespace bgm {
namespace {

constexpr int kRate = 48000;

// A 440 Hz tone in stretches of (seconds, level in dB).
AudioBuffer stretches(const std::vector<std::pair<double, double>>& parts) {
  size_t total = 0;
  for (const auto& [s, db] : parts) total += static_cast<size_t>(s * kRate);
  AudioBuffer a(total, kRate);
  size_t i = 0;
  for (const auto& [s, db] : parts) {
    const double amp = 0.25 * std::pow(10.0, db / 20.0);
    for (size_t end = i + static_cast<size_t>(s * kRate); i < end; ++i) {
      a.left[i] = a.right[i] = static_cast<float>(amp * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / kRate));
    }
  }
  return a;
}

double gain_db_at(const LevelRide& ride, double seconds) {
  float g = 0;
  ride.gains(static_cast<size_t>(seconds * kRate), &g, 1);
  return 20.0 * std::log10(g);
}

TEST(LevelRide, LeavesASteadyPieceAlone) {
  const AudioBuffer a = stretches({{10, 0}});
  const LevelRide ride = LevelRide::plan(BufferFrames(a), {});
  for (double t : {0.0, 2.5, 5.0, 9.9}) EXPECT_NEAR(gain_db_at(ride, t), 0.0, 0.1) << t;
  EXPECT_LT(ride.report().largest_boost_db, 0.1);
  EXPECT_LT(ride.report().deepest_cut_db, 0.1);
}

TEST(LevelRide, LiftsADipAndIsDownBeforeTheMusicComesBack) {
  // Four loud seconds, two 10 dB under, four loud again: the jump back is what a listener hears.
  const AudioBuffer a = stretches({{4, 0}, {2, -10}, {4, 0}});
  const LevelRide ride = LevelRide::plan(BufferFrames(a), {});
  const double loud = gain_db_at(ride, 2.0), dip = gain_db_at(ride, 5.0), back = gain_db_at(ride, 8.0);
  EXPECT_NEAR(loud, back, 0.2);
  EXPECT_GE(dip - loud, 3.5) << "the dip is lifted (ratio 2, at most 4 dB)";
  EXPECT_LE(dip - loud, 4.5);
  // The ride looks ahead: when the loud part returns at 6 s the lift is (nearly) gone, so the entrance is not
  // boosted on top of its jump (the breath before it may stay up to the entrance: the hop centred on 5.95 s).
  for (double t : {6.05, 6.1, 6.5}) EXPECT_LE(gain_db_at(ride, t) - back, 0.5) << t;
  EXPECT_NEAR(ride.report().largest_boost_db + ride.report().deepest_cut_db, dip - back, 0.3) << "the report spans the ride";
}

// Applies the ride to a copy of `a`.
AudioBuffer ridden(const AudioBuffer& a, const LevelRide& ride) {
  AudioBuffer out = a;
  std::vector<float> g(a.frames());
  ride.gains(0, g.data(), g.size());
  for (size_t i = 0; i < a.frames(); ++i) out.left[i] *= g[i], out.right[i] *= g[i];
  return out;
}

TEST(LevelRide, LiftsTheBreathBeforeEachDownbeat) {
  // Phrases of 1.8 s whose last 0.6 s decays 12 dB into the next downbeat (the chord dying away before the next bar):
  // too short a dip for the slow ride, but a listener hears each downbeat jump out of the breath. The breaths are
  // lifted until no rise within 2 s is much over 4.5 dB (400 ms windows, as a meter shows it), and the phrases
  // themselves are left where they were.
  std::vector<std::pair<double, double>> phrase = {{1.2, 0}, {0.1, -2}, {0.1, -4}, {0.1, -6}, {0.1, -8}, {0.1, -10}, {0.1, -12}};
  std::vector<std::pair<double, double>> parts;
  for (int i = 0; i < 5; ++i) parts.insert(parts.end(), phrase.begin(), phrase.end());
  parts.push_back({1.2, 0});
  const AudioBuffer a = stretches(parts);
  const LevelRide ride = LevelRide::plan(BufferFrames(a), {});
  const double before = test::largest_rise_db(a), after = test::largest_rise_db(ridden(a, ride));
  std::printf("largest rise: %.1f dB as written, %.1f dB ridden\n", before, after);
  EXPECT_GE(before, 7.0) << "the breaths are there to lift";
  EXPECT_LE(after, 5.0) << "no downbeat jumps out of its breath";
  for (double t : {0.5, 2.3, 4.1, 5.9}) EXPECT_NEAR(gain_db_at(ride, t), 0.0, 1.0) << "the phrase at " << t << " s";
  LevelRideSettings off;
  off.max_rise_db = 0;
  EXPECT_GE(test::largest_rise_db(ridden(a, LevelRide::plan(BufferFrames(a), off))), 6.5) << "without it the slow ride leaves them";
}

TEST(LevelRide, DoesNotPullUpADecayOrSilence) {
  // A piece that ends: 6 s of music, then its tail 25 dB down, then silence.
  const AudioBuffer a = stretches({{6, 0}, {2, -25}, {2, -200}});
  const LevelRide ride = LevelRide::plan(BufferFrames(a), {});
  const double music = gain_db_at(ride, 3.0);
  EXPECT_NEAR(gain_db_at(ride, 7.0), music, 0.3) << "a tail 25 LU down is below the ride's floor";
  EXPECT_NEAR(gain_db_at(ride, 9.5), music, 0.3) << "silence is never lifted";
}

TEST(LevelRide, ALoopsRideJoinsAcrossTheSeam) {
  // Quiet at the end, loud at the start: on repeat the ride comes down before the start plays again.
  const AudioBuffer a = stretches({{3, 0}, {3, -10}});
  LevelRideSettings s;
  s.loop = true;
  const LevelRide loop = LevelRide::plan(BufferFrames(a), s);
  const double last = gain_db_at(loop, 6.0 - 1.0 / kRate), first = gain_db_at(loop, 0.0);
  EXPECT_NEAR(last, first, 0.05) << "no jump in gain at the seam";
  EXPECT_GT(gain_db_at(loop, 4.5), first + 3.0) << "the quiet half is lifted";
  s.loop = false;
  const LevelRide once = LevelRide::plan(BufferFrames(a), s);
  EXPECT_GT(gain_db_at(once, 6.0 - 1.0 / kRate), gain_db_at(once, 0.0) + 3.0) << "a piece that ends does not anticipate its start";
}

TEST(LevelRide, LeavesTheRoomMadeForAVoice) {
  // The same dip, but the music stepped back there for someone talking: the ride does not fill it back in.
  const AudioBuffer a = stretches({{4, 0}, {2, -10}, {4, 0}});
  LevelRideSettings s;
  s.no_lift = {{4.0, 6.0}};
  const LevelRide ride = LevelRide::plan(BufferFrames(a), s);
  EXPECT_LE(gain_db_at(ride, 5.0), 0.05) << "no lift where the voice is";
}

TEST(LevelRide, SilenceGetsAFlatRide) {
  const AudioBuffer a(kRate * 3, kRate);
  const LevelRide ride = LevelRide::plan(BufferFrames(a), {});
  EXPECT_NEAR(gain_db_at(ride, 1.5), 0.0, 1e-6);
}

}  // namespace
}  // namespace bgm
