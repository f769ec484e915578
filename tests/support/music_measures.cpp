#include "support/music_measures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "compose/composer.h"

namespace bgm::test {
namespace {

constexpr int64_t kEighth = kTicksPerBeat / 2;

struct BarNotes {
  std::vector<int> slots;    // eighth-note slots of the onsets
  std::vector<int> pitches;  // in onset order
};

std::map<int64_t, BarNotes> bars_of(const Part& part) {
  std::vector<Note> notes = part.notes;
  std::sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) { return a.tick != b.tick ? a.tick < b.tick : a.pitch < b.pitch; });
  std::map<int64_t, BarNotes> bars;
  for (const auto& n : notes) {
    auto& b = bars[n.tick / kTicksPerBar];
    b.slots.push_back(static_cast<int>((n.tick % kTicksPerBar + kEighth / 2) / kEighth));
    b.pitches.push_back(n.pitch);
  }
  return bars;
}

bool restates(const BarNotes& a, const BarNotes& b) {
  if (a.slots != b.slots || a.pitches.size() != b.pitches.size() || a.pitches.empty()) return false;
  const int shift = a.pitches[0] - b.pitches[0];
  for (size_t i = 0; i < a.pitches.size(); ++i)
    if (a.pitches[i] - b.pitches[i] != shift) return false;
  return true;
}

std::vector<int> melody_pitches(const Score& score) {
  const Part* m = part_with_role(score, Role::kMelody);
  if (!m) return {};
  std::vector<Note> notes = m->notes;
  std::sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) { return a.tick < b.tick; });
  std::vector<int> out;
  for (const auto& n : notes) out.push_back(n.pitch);
  return out;
}

template <typename Key>
double agreement(const std::map<int64_t, Key>& a, const std::map<int64_t, Key>& b, int64_t bars) {
  if (bars <= 0) return 0;
  int same = 0;
  for (int64_t i = 0; i < bars; ++i) {
    const auto ia = a.find(i), ib = b.find(i);
    const bool both_empty = ia == a.end() && ib == b.end();
    if (both_empty || (ia != a.end() && ib != b.end() && ia->second == ib->second)) ++same;
  }
  return static_cast<double>(same) / static_cast<double>(bars);
}

int64_t body_bars(const Score& s) {
  int64_t end = 0;
  for (const auto& sec : s.sections)
    if (sec.name != "ending") end = std::max(end, sec.start_tick + sec.length);
  return end / kTicksPerBar;
}

std::map<int64_t, std::set<std::pair<int, int>>> onset_sets(const Part* part) {
  std::map<int64_t, std::set<std::pair<int, int>>> out;
  if (!part) return out;
  for (const auto& n : part->notes) out[n.tick / kTicksPerBar].insert({n.pitch, static_cast<int>((n.tick % kTicksPerBar + kEighth / 2) / kEighth)});
  return out;
}

std::map<int64_t, std::set<int>> rhythm_sets(const Part* part) {
  std::map<int64_t, std::set<int>> out;
  if (!part) return out;
  for (const auto& n : part->notes) out[n.tick / kTicksPerBar].insert(static_cast<int>((n.tick % kTicksPerBar + kEighth / 2) / kEighth));
  return out;
}

// The accompaniment's rhythm: the onsets (eighth slots) of every chord part (harmony, counter-line, pads) together.
std::map<int64_t, std::set<int>> accompaniment_rhythm(const Score& score) {
  std::map<int64_t, std::set<int>> out;
  for (const auto& part : score.parts) {
    if (part.role != Role::kHarmony && part.role != Role::kCounter && part.role != Role::kPad) continue;
    for (const auto& [bar, slots] : rhythm_sets(&part)) out[bar].insert(slots.begin(), slots.end());
  }
  return out;
}

}  // namespace

MusicSpec spec_for(const std::string& style, uint64_t seed, double duration, bool loop, const std::string& prompt) {
  SpecRequest req;
  if (!style.empty()) req.style = style;
  req.seed = seed;
  req.duration_s = duration;
  req.loop = loop;
  req.prompt = prompt;
  auto s = build_music_spec(req, StyleCatalog::builtin());
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  return s ? *s : MusicSpec{};
}

Score compose_ok(const MusicSpec& spec) {
  const StylePreset* style = StyleCatalog::builtin().find(spec.style_id);
  EXPECT_NE(style, nullptr) << spec.style_id;
  if (!style) return Score{};
  auto score = compose(spec, *style);
  EXPECT_TRUE(score) << (score ? "" : score.error().message);
  return score ? *score : Score{};
}

const Part* part_with_role(const Score& score, Role role) {
  for (const auto& p : score.parts)
    if (p.role == role) return &p;
  return nullptr;
}

double melody_restatement(const Score& score) {
  const Part* m = part_with_role(score, Role::kMelody);
  if (!m) return 0;
  const auto bars = bars_of(*m);
  int restating = 0;
  for (const auto& [bar, notes] : bars) {
    for (int back : {2, 4, 8, 12, 16, 24}) {
      const auto earlier = bars.find(bar - back);
      if (earlier != bars.end() && restates(notes, earlier->second)) {
        ++restating;
        break;
      }
    }
  }
  return bars.empty() ? 0 : static_cast<double>(restating) / static_cast<double>(bars.size());
}

int longest_interval_repeat(const Score& score) {
  const auto p = melody_pitches(score);
  std::vector<int> iv;
  for (size_t i = 1; i < p.size(); ++i) iv.push_back(p[i] - p[i - 1]);
  // Longest substring that occurs at two different starts (dynamic programming over pairs of starts).
  const size_t n = iv.size();
  std::vector<int> prev(n + 1, 0), cur(n + 1, 0);
  int best = 0;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = i + 1; j <= n; ++j) {
      cur[j] = iv[i - 1] == iv[j - 1] ? prev[j - 1] + 1 : 0;
      best = std::max(best, std::min<int>(cur[j], static_cast<int>(j - i)));  // the two runs do not overlap
    }
    std::swap(prev, cur);
    std::fill(cur.begin(), cur.end(), 0);
  }
  return best;
}

int melody_range(const Score& score) {
  const auto p = melody_pitches(score);
  if (p.empty()) return 0;
  const auto [lo, hi] = std::minmax_element(p.begin(), p.end());
  return *hi - *lo;
}

double intro_share(const Score& score) {
  const int64_t bars = body_bars(score);
  return bars ? static_cast<double>(intro_bars(score)) / static_cast<double>(bars) : 0;
}

int intro_bars(const Score& score) {
  int64_t ticks = 0;
  for (const auto& s : score.sections)
    if (s.name == "intro") ticks += s.length;
  return static_cast<int>(ticks / kTicksPerBar);
}

bool themes_in_whole_phrases(const Score& score) {
  // Consecutive sections of one theme (a theme and its build) count together.
  std::vector<std::pair<std::string, int64_t>> runs;
  for (const auto& s : score.sections) {
    if (s.name == "intro" || s.name == "outro" || s.name == "ending") {
      runs.push_back({"", 0});
      continue;
    }
    if (!runs.empty() && runs.back().first == s.theme) runs.back().second += s.length;
    else runs.push_back({s.theme, s.length});
  }
  for (const auto& [theme, length] : runs)
    if (!theme.empty() && length % (4 * kTicksPerBar) != 0) return false;
  return true;
}

double drum_agreement(const Score& a, const Score& b) {
  return agreement(onset_sets(part_with_role(a, Role::kDrums)), onset_sets(part_with_role(b, Role::kDrums)), std::min(body_bars(a), body_bars(b)));
}

double bass_rhythm_agreement(const Score& a, const Score& b) {
  return agreement(rhythm_sets(part_with_role(a, Role::kBass)), rhythm_sets(part_with_role(b, Role::kBass)), std::min(body_bars(a), body_bars(b)));
}

double bass_kick_lock(const Score& score) {
  const Part* bass = part_with_role(score, Role::kBass);
  const Part* drums = part_with_role(score, Role::kDrums);
  if (!bass || !drums) return 0;
  constexpr int64_t kSixteenth = kTicksPerBeat / 4;
  std::vector<int64_t> onsets;
  for (const auto& n : bass->notes) onsets.push_back(n.tick);
  std::sort(onsets.begin(), onsets.end());
  const int64_t end = body_bars(score) * kTicksPerBar;
  int kicks = 0, met = 0;
  for (const auto& n : drums->notes) {
    if (n.pitch != 36 || n.tick >= end) continue;
    // Only where the bass plays (its bar has a note).
    const int64_t bar = n.tick / kTicksPerBar * kTicksPerBar;
    const auto in_bar = std::lower_bound(onsets.begin(), onsets.end(), bar);
    if (in_bar == onsets.end() || *in_bar >= bar + kTicksPerBar) continue;
    ++kicks;
    const auto near = std::lower_bound(onsets.begin(), onsets.end(), n.tick - kSixteenth);
    met += near != onsets.end() && *near <= n.tick + kSixteenth;
  }
  return kicks ? static_cast<double>(met) / kicks : 0;
}

double accompaniment_rhythm_agreement(const Score& a, const Score& b) {
  return agreement(accompaniment_rhythm(a), accompaniment_rhythm(b), std::min(body_bars(a), body_bars(b)));
}

double drum_bar_repetition(const Score& score) {
  const auto drums = onset_sets(part_with_role(score, Role::kDrums));
  int bars = 0, same = 0;
  for (const auto& sec : score.sections) {
    if (sec.name == "intro" || sec.name == "outro" || sec.name == "ending" || sec.name == "build") continue;
    const int64_t first = sec.start_tick / kTicksPerBar, last = (sec.start_tick + sec.length) / kTicksPerBar;
    for (int64_t bar = first + 1; bar < last; ++bar) {
      const auto cur = drums.find(bar), prev = drums.find(bar - 1);
      if (cur == drums.end()) continue;  // no drums in this bar
      ++bars;
      same += prev != drums.end() && prev->second == cur->second;
    }
  }
  return bars ? static_cast<double>(same) / bars : 0;
}

double chord_degree_agreement(const Score& a, const Score& b) {
  auto degrees = [](const Score& s) {
    std::map<int64_t, int> out;
    for (int64_t bar = 0; bar < body_bars(s); ++bar) out[bar] = s.chord_at(bar * kTicksPerBar).degree;
    return out;
  };
  return agreement(degrees(a), degrees(b), std::min(body_bars(a), body_bars(b)));
}

}  // namespace bgm::test
