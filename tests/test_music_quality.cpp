// Music people keep (issue 11), measured from our own scores with our own analysis code: the tune comes back, its
// exact repeats run long, its range is a singer's, the intro is short and themes come in whole phrases, and a new
// seed is a new piece.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "compose/composer.h"
#include "support/music_measures.h"

namespace bgm {
namespace {

using test::compose_ok;
using test::spec_for;

std::vector<std::string> style_ids() {
  std::vector<std::string> ids;
  for (const auto& s : StyleCatalog::builtin().styles()) ids.push_back(s.id);
  return ids;
}

// The tune comes back, spans a singer's range, and sits in whole phrases after a short intro: every style, three
// seeds, 30 s (the figures are printed: BENCHMARKS-style evidence for a person).
TEST(MusicQuality, TheTuneComesBackInWholePhrasesAfterAShortIntro) {
  std::vector<int> ranges;
  double restated = 0;
  int pieces = 0;
  for (const auto& id : style_ids()) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      const Score s = compose_ok(spec_for(id, seed, 30));
      ranges.push_back(test::melody_range(s));
      restated += test::melody_restatement(s);
      ++pieces;
      std::printf("%-12s seed %llu: restated %3.0f%%  repeat %2d  range %2d  intro %d bars %3.0f%%\n", id.c_str(),
                  static_cast<unsigned long long>(seed), 100 * test::melody_restatement(s), test::longest_interval_repeat(s),
                  test::melody_range(s), test::intro_bars(s), 100 * test::intro_share(s));
      EXPECT_LE(test::intro_share(s), 0.2 + 1e-9) << id << " seed " << seed;
      EXPECT_LE(test::intro_bars(s), 4) << id << " seed " << seed;
      EXPECT_TRUE(test::themes_in_whole_phrases(s)) << id << " seed " << seed << ": a theme cut short of its phrase";
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::printf("mean restatement %.0f%%, median melody range %d semitones\n", 100 * restated / pieces, ranges[ranges.size() / 2]);
  EXPECT_GE(restated / pieces, 0.40) << "melody bars restating a bar 2-24 bars earlier (was 16%)";
  EXPECT_GE(ranges[ranges.size() / 2], 12) << "median melody range (was 10)";
}

TEST(MusicQuality, AReturningThemeRestatesItsBars) {
  int styles_with_returns = 0;
  for (const auto& id : style_ids()) {
    const Score s = compose_ok(spec_for(id, 4, 60));
    // The bars of each later statement of a theme, against its first.
    const Part* melody = test::part_with_role(s, Role::kMelody);
    ASSERT_NE(melody, nullptr);
    std::map<std::string, const Section*> first;
    int bars = 0, same = 0;
    for (const auto& sec : s.sections) {
      if (sec.name == "intro" || sec.name == "outro" || sec.name == "ending" || sec.name == "build") continue;
      const bool sings = std::any_of(melody->notes.begin(), melody->notes.end(),
                                     [&](const Note& n) { return n.tick >= sec.start_tick && n.tick < sec.start_tick + sec.length; });
      if (!sings) continue;  // a theme's first statement is the first one the melody plays
      if (!first.count(sec.theme)) {
        first[sec.theme] = &sec;
        continue;
      }
      const Section& a = *first[sec.theme];
      for (int64_t b = 0; b + 1 < std::min(a.length, sec.length) / kTicksPerBar; ++b) {  // the last bar may close
        auto notes_in = [&](int64_t start) {
          std::vector<std::pair<int64_t, int>> out;
          for (const auto& n : melody->notes)
            if (n.tick >= start && n.tick < start + kTicksPerBar) out.push_back({n.tick - start, n.pitch});
          std::sort(out.begin(), out.end());
          return out;
        };
        const auto x = notes_in(a.start_tick + b * kTicksPerBar), y = notes_in(sec.start_tick + b * kTicksPerBar);
        if (x.empty() && y.empty()) continue;
        ++bars;
        same += x == y;
      }
    }
    styles_with_returns += bars > 0;
    if (bars > 0) {
      EXPECT_GE(same, bars * 3 / 4) << id << ": a returning section restates at least 75% of its bars (" << same << " of " << bars << ")";
    }
  }
  EXPECT_GE(styles_with_returns, 8) << "at 60 s most styles bring a theme back";
}

TEST(MusicQuality, NewSeedsHaveTempoAndHarmonyOfTheirOwn) {
  std::vector<Score> pieces;
  std::set<int> tempos;
  for (uint64_t seed : {11u, 12u, 13u, 14u, 15u}) {
    pieces.push_back(compose_ok(spec_for("", seed, 30, false, "upbeat corporate background music")));
    tempos.insert(static_cast<int>(pieces.back().tempo[0].bpm));
  }
  double drums = 0, acc = 0, chords = 0;
  int pairs = 0;
  for (size_t i = 0; i < pieces.size(); ++i)
    for (size_t j = i + 1; j < pieces.size(); ++j, ++pairs) {
      drums += test::drum_agreement(pieces[i], pieces[j]);
      acc += test::accompaniment_rhythm_agreement(pieces[i], pieces[j]);
      chords += test::chord_degree_agreement(pieces[i], pieces[j]);
    }
  std::printf("5 seeds of one prompt: drums %.0f%% alike, accompaniment rhythm %.0f%%, chord degrees %.0f%%, %zu tempos\n",
              100 * drums / pairs, 100 * acc / pairs, 100 * chords / pairs, tempos.size());
  EXPECT_GE(tempos.size(), 3u) << "a prompt that names no tempo gets one per seed";
  EXPECT_LE(chords / pairs, 0.5) << "each seed its own harmony (the chord degree bar by bar; was 100%)";
  // The same seed is the same piece: a refinement keeps its tempo.
  EXPECT_EQ(compose_ok(spec_for("", 11, 30, false, "upbeat corporate background music")).tempo[0].bpm, pieces[0].tempo[0].bpm);
}

}  // namespace
}  // namespace bgm
