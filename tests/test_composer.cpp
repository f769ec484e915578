// The score as a musician would check it: keys and chord tones, phrases and sections, the cadence,
// exact timing, differences between styles, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "compose/composer.h"
#include "compose/form.h"
#include "support/music_measures.h"

namespace bgm {
namespace {

using test::compose_ok;
using test::spec_for;

const Part* part_with(const Score& s, Role role) {
  for (const auto& p : s.parts)
    if (p.role == role) return &p;
  return nullptr;
}

class EveryStyle : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryStyle, EveryPitchedNoteIsInTheKeyOrAChordTone) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const Score score = compose_ok(spec_for(GetParam(), seed, 75));
    size_t notes = 0;
    const bool approaches = StyleCatalog::builtin().find(GetParam())->chromatic_approach;
    for (const auto& part : score.parts) {
      if (part.role == Role::kDrums) continue;
      for (size_t i = 0; i < part.notes.size(); ++i) {
        const Note& n = part.notes[i];
        ++notes;
        const Chord& chord = score.chord_at(n.tick);
        // Jazz melodies lean into the beat by a chromatic neighbour: an off-beat a semitone from the next note.
        const bool melody_approach = part.role == Role::kMelody && i + 1 < part.notes.size() &&
                                     n.tick % kTicksPerBeat == kTicksPerBeat / 2 && part.notes[i + 1].tick == n.tick + kTicksPerBeat / 2 &&
                                     std::abs(part.notes[i + 1].pitch - n.pitch) == 1;
        // Its bass walks into a beat from a half step away.
        const bool bass_approach = part.role == Role::kBass && i + 1 < part.notes.size() && part.notes[i + 1].tick % kTicksPerBeat == 0 &&
                                   part.notes[i + 1].tick - n.tick <= kTicksPerBeat && std::abs(part.notes[i + 1].pitch - n.pitch) == 1;
        const bool approach = approaches && (melody_approach || bass_approach);
        EXPECT_TRUE(in_scale(score.key, n.pitch) || chord.contains(n.pitch) || approach)
            << part.name << " pitch " << n.pitch << " at tick " << n.tick << " in " << key_name(score.key);
      }
    }
    EXPECT_GT(notes, 40u);
  }
}

TEST_P(EveryStyle, MelodyPutsChordTonesOnStrongBeats) {
  const Score score = compose_ok(spec_for(GetParam(), 5, 90));
  const Part* melody = part_with(score, Role::kMelody);
  ASSERT_NE(melody, nullptr);
  size_t strong = 0;
  for (const auto& n : melody->notes) {
    if (n.tick % (2 * kTicksPerBeat) != 0) continue;  // beats 1 and 3
    ++strong;
    EXPECT_TRUE(score.chord_at(n.tick).contains(n.pitch)) << "melody " << n.pitch << " at " << n.tick;
  }
  EXPECT_GT(strong, 8u);
}

TEST_P(EveryStyle, EndsWithADominantToTonicCadenceInsideTheLength) {
  const MusicSpec spec = spec_for(GetParam(), 7, 40);
  const Score score = compose_ok(spec);
  ASSERT_GE(score.chords.size(), 3u);
  EXPECT_EQ(score.chords.back().chord.degree, 0) << "the last chord is the tonic";
  EXPECT_EQ(score.chords[score.chords.size() - 2].chord.degree, 4) << "the one before is the dominant";
  EXPECT_EQ(score.sections.back().name, "ending");
  // Every part that sounds at the end lands on the ending's downbeat, and all notes are released early enough
  // for the sound to decay inside the piece.
  const int64_t ending = score.sections.back().start_tick;
  double last_off = 0;
  for (const auto& part : score.parts) {
    for (const auto& n : part.notes) last_off = std::max(last_off, score.seconds_at(static_cast<double>(n.tick + n.offset + n.length)));
  }
  EXPECT_LE(last_off, spec.duration_s - ending_tail_seconds(spec.duration_s) + 0.05);
  EXPECT_GE(last_off, spec.duration_s - ending_tail_seconds(spec.duration_s) - 0.5) << "no long silence before the end";
  const Part* bass_or_harmony = part_with(score, Role::kBass) ? part_with(score, Role::kBass) : part_with(score, Role::kHarmony);
  ASSERT_NE(bass_or_harmony, nullptr);
  EXPECT_TRUE(std::any_of(bass_or_harmony->notes.begin(), bass_or_harmony->notes.end(), [&](const Note& n) {
    return n.tick == ending && (n.pitch % 12) == score.key.tonic;
  })) << "the tonic sounds on the ending's downbeat";
}

TEST_P(EveryStyle, LongPiecesHaveSectionsAndPhrasesNotOneLoop) {
  const Score score = compose_ok(spec_for(GetParam(), 9, 180));
  std::set<std::string> names, themes;
  for (const auto& s : score.sections) {
    names.insert(s.name);
    themes.insert(s.theme);
    if (s.name != "ending") EXPECT_EQ(s.length % kTicksPerBar, 0) << "sections are whole bars";
  }
  EXPECT_TRUE(names.count("intro"));
  EXPECT_TRUE(names.count("outro"));
  EXPECT_GE(themes.size(), 3u) << "more than one theme";
  // Themes are 4- or 8-bar phrases (6 bars when a 2-bar build completes the phrase).
  for (size_t i = 0; i < score.sections.size(); ++i) {
    const auto& s = score.sections[i];
    if (s.name.rfind("theme", 0) != 0 && s.name != "bridge") continue;
    int64_t bars = s.length / kTicksPerBar;
    if (i + 1 < score.sections.size() && score.sections[i + 1].name == "build") bars += score.sections[i + 1].length / kTicksPerBar;
    EXPECT_TRUE(bars == 4 || bars == 8) << s.name << " has " << bars << " bars";
  }
  // The melody is not a single bar repeated: many distinct bars, yet its motifs recur.
  const Part* melody = part_with(score, Role::kMelody);
  ASSERT_NE(melody, nullptr);
  std::map<int64_t, std::vector<int>> bars;
  for (const auto& n : melody->notes) bars[n.tick / kTicksPerBar].push_back(n.pitch * 10000 + static_cast<int>(n.tick % kTicksPerBar));
  std::set<std::vector<int>> distinct;
  for (const auto& [bar, content] : bars) distinct.insert(content);
  EXPECT_GE(distinct.size(), 6u);
  EXPECT_LT(distinct.size(), bars.size()) << "some bars recur: motifs repeat";
  // Energy moves: the loudest section is louder than the intro.
  double lo = 1, hi = 0;
  for (const auto& s : score.sections) lo = std::min(lo, s.energy), hi = std::max(hi, s.energy);
  EXPECT_GT(hi - lo, 0.2);
}

TEST_P(EveryStyle, MelodyMovesMostlyByStepWithinItsRange) {
  const MusicSpec spec = spec_for(GetParam(), 3, 120);
  const Score score = compose_ok(spec);
  const Part* melody = part_with(score, Role::kMelody);
  ASSERT_NE(melody, nullptr);
  int steps = 0, small = 0, repeats = 0, wide = 0;
  for (size_t i = 1; i < melody->notes.size(); ++i) {
    const int d = std::abs(melody->notes[i].pitch - melody->notes[i - 1].pitch);
    ++steps;
    small += d <= 2;
    repeats += d == 0;
    wide += d >= 8;
  }
  ASSERT_GT(steps, 30);
  EXPECT_GE(small, steps * 55 / 100) << "mostly steps";
  EXPECT_LE(repeats, steps * 45 / 100) << "not stuck on one note";
  EXPECT_LE(wide, steps * 12 / 100) << "few leaps of a sixth or more";
  const auto& range = StyleCatalog::builtin().find(GetParam())->melody.range;
  for (const auto& n : melody->notes) {
    EXPECT_GE(n.pitch, range[0]);
    EXPECT_LE(n.pitch, range[1]);
  }
}

INSTANTIATE_TEST_SUITE_P(Styles, EveryStyle,
                         ::testing::Values("lofi", "cinematic", "pop", "corporate", "ambient", "electronic", "acoustic",
                                           "rock", "jazz", "piano", "hiphop", "chiptune"));

TEST(Composer, DrumsAreOnChannelTenAndSwingIsPlayed) {
  const Score score = compose_ok(spec_for("lofi", 3, 30));
  const Part* drums = part_with(score, Role::kDrums);
  ASSERT_NE(drums, nullptr);
  EXPECT_EQ(drums->channel, 9);
  for (const auto& p : score.parts)
    if (p.role != Role::kDrums) EXPECT_NE(p.channel, 9);
  // Off-beat sixteenths are late (swing); downbeats are not.
  int swung = 0;
  for (const auto& n : drums->notes)
    if (n.tick % (kTicksPerBeat / 2) == kTicksPerBeat / 4) swung += n.offset > 20;
  EXPECT_GT(swung, 4);
}

TEST(Composer, TwoStylesDifferInTempoAndInstruments) {
  const Score a = compose_ok(spec_for("ambient", 1, 30));
  const Score b = compose_ok(spec_for("electronic", 1, 30));
  EXPECT_GT(b.tempo.front().bpm - a.tempo.front().bpm, 30);
  std::set<int> pa, pb;
  for (const auto& p : a.parts) pa.insert(p.program + 1000 * (p.role == Role::kDrums));
  for (const auto& p : b.parts) pb.insert(p.program + 1000 * (p.role == Role::kDrums));
  EXPECT_NE(pa, pb);
  EXPECT_EQ(part_with(a, Role::kDrums), nullptr);
  EXPECT_NE(part_with(b, Role::kDrums), nullptr);
}

TEST(Composer, SameSeedSameScoreAnotherSeedAnotherPiece) {
  auto notes = [](const Score& s) {
    std::vector<std::tuple<int64_t, int64_t, int, int, int64_t>> out;
    for (const auto& p : s.parts)
      for (const auto& n : p.notes) out.emplace_back(n.tick, n.length, n.pitch, n.velocity, n.offset);
    return out;
  };
  const auto a = notes(compose_ok(spec_for("pop", 42, 60)));
  const auto b = notes(compose_ok(spec_for("pop", 42, 60)));
  const auto c = notes(compose_ok(spec_for("pop", 43, 60)));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Composer, LoopsFillWholeBarsExactly) {
  for (double d : {8.0, 15.0, 30.0, 47.3}) {
    const MusicSpec spec = spec_for("chiptune", 1, d, true);
    const Score score = compose_ok(spec);
    EXPECT_EQ(score.music_end_tick % kTicksPerBar, 0);
    EXPECT_NEAR(score.seconds_at(static_cast<double>(score.music_end_tick)), d, 1e-9);
    EXPECT_NE(score.sections.back().name, "ending");
    EXPECT_EQ(score.chords.back().chord.degree, 4) << "the last bar turns back to the start";
  }
}

TEST(Composer, ShortPiecesStillEndOnTheTonic) {
  for (double d : {2.0, 3.5, 6.0}) {
    const Score score = compose_ok(spec_for("corporate", 1, d));
    EXPECT_EQ(score.chords.back().chord.degree, 0);
    EXPECT_LE(score.seconds_at(static_cast<double>(score.music_end_tick)), d);
  }
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(Composer, PadsMoveLittleAndTieCommonTones) {
  for (const char* style : {"cinematic", "ambient", "pop", "lofi"}) {
    const Score score = compose_ok(spec_for(style, 2, 60));
    for (const auto& part : score.parts) {
      if (part.role != Role::kPad) continue;
      // The pad's notes at each chord change: few semitones of movement per voice, and no pitch struck again
      // where it was already sounding.
      std::vector<int> before;
      double moved = 0;
      int changes = 0;
      for (const auto& span : score.chords) {
        std::vector<int> now, struck;
        for (const auto& n : part.notes) {
          if (n.tick <= span.tick && n.tick + n.length > span.tick) now.push_back(n.pitch);
          if (n.tick == span.tick) struck.push_back(n.pitch);
        }
        std::sort(now.begin(), now.end());
        const bool final_chord = span.tick == score.sections.back().start_tick;  // every part strikes it together
        for (int p : struck) {
          if (final_chord) break;
          const bool restruck = std::any_of(part.notes.begin(), part.notes.end(), [&](const Note& m) {
            return m.pitch == p && m.tick + m.length == span.tick;
          });
          EXPECT_FALSE(restruck) << style << ": pitch " << p << " struck again at " << span.tick;
        }
        if (!before.empty() && before.size() == now.size()) {
          for (size_t k = 0; k < now.size(); ++k) moved += std::abs(now[k] - before[k]);
          changes += static_cast<int>(now.size());
        }
        if (!now.empty()) before = now;
      }
      ASSERT_GT(changes, 0) << style;
      EXPECT_LT(moved / changes, 2.5) << style << " " << part.name << ": semitones per voice per chord change";
    }
  }
}

}  // namespace
}  // namespace bgm
