// The live source's engine (issue 12), heard as a listener would: music that never stops, never clicks where one
// chapter follows another or the mood changes, moves to a new mood within a bar, holds its level, and steps back
// under a voice.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>

#include "audio/audio_buffer.h"
#include "audio/k_meter.h"
#include "live/live_chapter.h"
#include "live/live_engine.h"
#include "spec/style_catalog.h"
#include "support/audio_measures.h"

namespace bgm {
namespace {

constexpr int kRate = 48000;

SpecRequest mood(const std::string& prompt) {
  SpecRequest r;
  r.prompt = prompt;
  return r;
}

std::unique_ptr<LiveEngine> engine_for(const std::string& prompt, uint64_t seed = 7) {
  LiveOptions options;
  options.sample_rate = kRate;
  options.seed = seed;
  auto engine = LiveEngine::create(options, mood(prompt));
  EXPECT_TRUE(bool(engine)) << (engine ? "" : engine.error().message);
  return engine ? std::move(*engine) : nullptr;
}

// Renders `seconds` in blocks of varying size (as a source's thread asks), calling `at(second)` before each block.
AudioBuffer play(LiveEngine& engine, double seconds, const std::function<void(double)>& at = {}) {
  AudioBuffer out;
  out.sample_rate = kRate;
  const auto total = static_cast<size_t>(seconds * kRate);
  static const size_t kBlocks[] = {1024, 480, 256, 2048, 1000};
  std::vector<float> l(4096), r(4096);
  size_t done = 0, k = 0;
  while (done < total) {
    const size_t n = std::min(kBlocks[k++ % std::size(kBlocks)], total - done);
    if (at) at(static_cast<double>(done) / kRate);
    EXPECT_TRUE(bool(engine.render(l.data(), r.data(), n)));
    out.left.insert(out.left.end(), l.begin(), l.begin() + static_cast<std::ptrdiff_t>(n));
    out.right.insert(out.right.end(), r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n));
    done += n;
  }
  return out;
}

// The sharpest step between neighbouring samples in [from, to).
float sharpest_step(const AudioBuffer& a, size_t from, size_t to) {
  float most = 0;
  for (size_t i = std::max<size_t>(from, 1); i < std::min(to, a.frames()); ++i)
    most = std::max({most, std::fabs(a.left[i] - a.left[i - 1]), std::fabs(a.right[i] - a.right[i - 1])});
  return most;
}

TEST(LiveChapter, EachChapterIsANewPieceInTheSameKeyAndTempo) {
  SpecRequest r = mood("lo-fi hip hop");
  r.seed = 11;
  r.duration_s = 60;
  auto spec = build_music_spec(r, StyleCatalog::builtin());
  ASSERT_TRUE(bool(spec));
  auto a = compose_chapter(*spec, 0), b = compose_chapter(*spec, 1);
  ASSERT_TRUE(bool(a));
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(a->key.tonic, b->key.tonic);
  EXPECT_DOUBLE_EQ(a->tempo.front().bpm, b->tempo.front().bpm);
  EXPECT_EQ(a->music_end_tick, kLiveChapterBars * kTicksPerBar);
  // The tunes differ: fewer than half of the second chapter's melody notes sit where the first's did.
  auto melody = [](const Score& s) {
    std::vector<std::pair<int64_t, int>> notes;
    for (const Part& p : s.parts)
      if (p.role == Role::kMelody)
        for (const Note& n : p.notes) notes.push_back({n.tick, n.pitch});
    return notes;
  };
  const auto ma = melody(*a), mb = melody(*b);
  ASSERT_FALSE(mb.empty());
  size_t same = 0;
  for (const auto& n : mb) same += std::count(ma.begin(), ma.end(), n) > 0;
  EXPECT_LT(static_cast<double>(same) / static_cast<double>(mb.size()), 0.5);
}

TEST(LiveEngine, PlaysOnWithoutGapsOrClicksAcrossChaptersAndMoodChanges) {
  auto engine = engine_for("calm lo-fi for studying");
  ASSERT_TRUE(engine);
  const std::vector<std::pair<double, std::string>> moves = {
      {25, "energetic electronic"}, {50, "ambient"}, {75, "rock"}, {100, "gentle piano"}};
  size_t next = 0;
  const AudioBuffer a = play(*engine, 125, [&](double t) {
    if (next < moves.size() && t >= moves[next].first) ASSERT_TRUE(bool(engine->set_mood(mood(moves[next++].second))));
  });
  const auto changes = engine->changes();
  ASSERT_EQ(changes.size(), moves.size());
  std::vector<int64_t> lines = engine->chapter_starts();
  for (const auto& c : changes) lines.push_back(c.at);
  std::printf("chapter and mood lines: %zu\n", lines.size());
  ASSERT_GE(lines.size(), 8u);  // chapters of 16 bars (40-55 s here) and the four moves

  // Never a gap: every 100 ms after the first second holds sound.
  for (size_t i = kRate; i + kRate / 10 <= a.frames(); i += kRate / 10) {
    double e = 0;
    for (size_t k = i; k < i + kRate / 10; ++k) e += double(a.left[k]) * a.left[k] + double(a.right[k]) * a.right[k];
    ASSERT_GT(10 * std::log10(e / (kRate / 5.0) + 1e-20), -60.0) << "a gap at " << double(i) / kRate << " s";
  }
  // No click at a line: no sharper step within 10 ms of it than the music made in the 2 s before or after it.
  for (int64_t line : lines) {
    if (line < 2 * kRate || line + kRate / 100 >= static_cast<int64_t>(a.frames())) continue;
    const auto at = static_cast<size_t>(line);
    const float around = sharpest_step(a, at - kRate / 100, at + kRate / 100);
    const float before = sharpest_step(a, at - 2 * kRate, at - kRate / 100);
    const float after = sharpest_step(a, at + kRate / 100, at + 2 * kRate);
    EXPECT_LE(around, std::max(before, after) * 1.05f + 1e-4f) << "a click at " << double(line) / kRate << " s";
  }
  // The level holds at the bed's -20 LUFS, each 20 s, and no sample reaches -1 dBFS.
  for (double t = 5; t + 20 <= 125; t += 20) {
    const double l = test::lufs_between(a, t, t + 20);
    std::printf("  %5.1f-%5.1f s: %.1f LUFS\n", t, t + 20, l);
    EXPECT_NEAR(l, -20.0, 3.0) << "at " << t << " s";
  }
  float peak = 0;
  for (size_t i = 0; i < a.frames(); ++i) peak = std::max({peak, std::fabs(a.left[i]), std::fabs(a.right[i])});
  EXPECT_LT(20 * std::log10(peak), -1.0);
}

TEST(LiveEngine, AMoodChangeIsHeardAtTheNextBarLine) {
  // From ambient (no kit) to energetic electronic (hats): the hats' band shows where the new mood starts.
  auto engine = engine_for("ambient");
  ASSERT_TRUE(engine);
  const double ask_s = 20.0;
  bool asked = false;
  const AudioBuffer a = play(*engine, 30, [&](double t) {
    if (asked || t < ask_s) return;
    asked = true;
    ASSERT_TRUE(bool(engine->set_mood(mood("energetic electronic"))));
  });
  const auto changes = engine->changes();
  ASSERT_EQ(changes.size(), 1u);
  const LiveChange& c = changes.front();
  EXPECT_GE(c.at, c.asked);
  EXPECT_LE(static_cast<double>(c.at - c.asked), c.bar_samples + 1) << "the move waits at most a bar";
  // Heard: the 100 ms energy above 6 kHz (second differences) jumps 10 dB over its level before the ask.
  double before = -HUGE_VAL;
  for (double t = 10; t < ask_s - 0.1; t += 0.1) before = std::max(before, test::high_band_db(a, t, t + 0.1));
  double heard = -1;
  for (double t = ask_s; t < 30 - 0.1; t += 0.05)
    if (test::high_band_db(a, t, t + 0.1) > before + 10) {
      heard = t;
      break;
    }
  const double bar_s = c.bar_samples / kRate;
  std::printf("asked at %.2f s, bar line at %.2f s, heard at %.2f s (a bar is %.2f s)\n", double(c.asked) / kRate, double(c.at) / kRate, heard,
              bar_s);
  ASSERT_GT(heard, 0) << "the new mood was not heard";
  EXPECT_LE(heard - ask_s, bar_s + 0.15);
}

TEST(LiveEngine, StepsBackUnderAVoiceAndComesBack) {
  auto engine = engine_for("calm lo-fi");
  ASSERT_TRUE(engine);
  const AudioBuffer a = play(*engine, 34, [&](double t) { engine->set_voice(t >= 14 && t < 24); });
  const double open = test::lufs_between(a, 6, 14), under = test::lufs_between(a, 16, 24), after = test::lufs_between(a, 27, 34);
  std::printf("before %.1f, under the voice %.1f, after %.1f LUFS\n", open, under, after);
  EXPECT_LE(under, open - 10.0) << "steps back by the depth (12 dB) and the lead rests";
  EXPECT_GE(under, open - 18.0);
  EXPECT_NEAR(after, open, 2.5) << "and comes back";
}

// The source's threads: its audio thread renders while its control thread changes the mood and the voice, and the
// dock reads the status. Nothing is lost or torn: every change lands, the music never stops.
TEST(LiveEngine, MoodVoiceAndStatusFromOtherThreadsWhileItPlays) {
  auto engine = engine_for("lo-fi");
  ASSERT_TRUE(engine);
  std::atomic<bool> done{false};
  std::thread control([&] {
    const char* moods[] = {"rock", "ambient", "jazz", "energetic electronic"};
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE(bool(engine->set_mood(mood(moods[i]))));
      engine->set_voice(i % 2 == 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    done = true;
  });
  std::thread dock([&] {
    while (!done) {
      const LiveStatus s = engine->status();
      EXPECT_FALSE(s.style_id.empty());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  AudioBuffer a;
  a.sample_rate = kRate;
  std::vector<float> l(1024), r(1024);
  // Keeps playing (a second of music a turn) until the last mood has landed.
  for (int turn = 0; turn < 200 && (!done || engine->changes().empty() || engine->changes().back().at > static_cast<int64_t>(a.frames())); ++turn) {
    for (int k = 0; k < 47; ++k) {
      ASSERT_TRUE(bool(engine->render(l.data(), r.data(), l.size())));
      a.left.insert(a.left.end(), l.begin(), l.end());
      a.right.insert(a.right.end(), r.begin(), r.end());
    }
  }
  control.join();
  dock.join();
  const auto changes = engine->changes();
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().style_id, "electronic") << "the last mood asked is the one that plays";
  EXPECT_EQ(engine->status().style_id, "electronic");
  EXPECT_GT(test::momentary_lufs(a).back(), -45.0) << "still playing";
}

TEST(LiveEngine, TheSameSeedPlaysTheSameMusic) {
  auto a = engine_for("jazz", 5), b = engine_for("jazz", 5);
  ASSERT_TRUE(a && b);
  const AudioBuffer x = play(*a, 8), y = play(*b, 8);
  EXPECT_EQ(x.left, y.left);
  EXPECT_EQ(x.right, y.right);
}

TEST(LiveEngine, AnUnknownStyleLeavesTheMusicAsItIs) {
  auto engine = engine_for("lo-fi");
  ASSERT_TRUE(engine);
  SpecRequest r;
  r.style = "polka-metal";
  const Status s = engine->set_mood(r);
  ASSERT_FALSE(bool(s));
  EXPECT_NE(s.error().message.find("lofi"), std::string::npos) << s.error().message;
  play(*engine, 3);
  EXPECT_TRUE(engine->changes().empty());
  EXPECT_EQ(engine->status().style_id, "lofi");
}

// On one speaker (issue 25): the live source plays the same presets as the offline render, shaped the same way
// (synth/part_image.h), so every mood's output holds together folded to mono: the whole at least 0.3 correlated,
// its low end (under 150 Hz) at least 0.9.
TEST(LiveEngine, EveryMoodHoldsTogetherOnOneSpeaker) {
  for (const auto& style : StyleCatalog::builtin().styles()) {
    LiveOptions options;
    options.sample_rate = kRate;
    options.seed = 3;
    SpecRequest request;
    request.style = style.id;
    auto engine = LiveEngine::create(options, request);
    ASSERT_TRUE(bool(engine)) << style.id << ": " << engine.error().message;
    const AudioBuffer heard = play(**engine, 20.0);
    const double whole = test::lr_correlation(heard), low = test::lr_correlation(heard, 150);
    std::printf("live %-11s correlation %.2f, under 150 Hz %.2f\n", style.id.c_str(), whole, low);
    EXPECT_GE(whole, 0.3) << style.id << ": the live music thins out on one speaker";
    EXPECT_GE(low, 0.9) << style.id << ": the live music's low end is not mono";
  }
}

}  // namespace
}  // namespace bgm
