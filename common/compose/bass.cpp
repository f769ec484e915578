// The bass: each theme of a piece plays a main bar and its answer, figures the seed picks among its style's
// (bass_figures.h); it locks to the drummer's kick where the style does, anticipates a chord the kick pushes
// into, and turns phrase ends toward the next chord. Jazz walks (bass_walk.cpp).
#include <algorithm>
#include <bitset>
#include <cstdint>

#include "compose/bass_figures.h"
#include "compose/bass_line.h"
#include "compose/drum_plan.h"
#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

constexpr int64_t kStep = kTicksPerBeat / 4;  // a sixteenth

struct Figures {
  const BassFigure* main;
  const BassFigure* answer;
};

// A theme's two bars: a return of the theme plays them again. The answer differs from the main bar more often
// than not, as a bass player's two-bar phrase does.
Figures figures_for(const BassIdiom& idiom, const Section& s, const Rng& rng) {
  Rng pick = rng.fork("figures " + (s.theme.empty() ? s.name : s.theme) + (s.name == "build" ? " build" : ""));
  const int n = static_cast<int>(idiom.figures.size());
  const int main = pick.range(0, n - 1);
  int answer = main;
  if (n > 1 && pick.chance(0.7)) answer = (main + pick.range(1, n - 1)) % n;
  return {&idiom.figures[static_cast<size_t>(main)], &idiom.figures[static_cast<size_t>(answer)]};
}

// Adds a root where the kick plays and the figure does not (nor a sixteenth either side of it).
void lock_to_kick(BassFigure& bar, const std::bitset<16>& kick, bool sixteenths) {
  for (int step = 0; step < 16; ++step) {
    if (!kick[static_cast<size_t>(step)] || (!sixteenths && step % 2 != 0)) continue;
    const bool near = std::any_of(bar.begin(), bar.end(), [&](const BassHit& h) { return std::abs(h.step - step) <= 1; });
    if (!near) bar.push_back({step, 0, BassTone::kRoot, -4});
  }
  std::sort(bar.begin(), bar.end(), [](const BassHit& a, const BassHit& b) { return a.step < b.step; });
}

// The bar's ending replaced by `turn` from its first step on.
void apply_turn(BassFigure& bar, const BassFigure& turn) {
  std::erase_if(bar, [&](const BassHit& h) { return h.step >= turn.front().step; });
  bar.insert(bar.end(), turn.begin(), turn.end());
}

// Where the tune, playing, holds a note or rests through a beat or more of the bar, the bass does not hold too: a
// note half way through that gap (the two do not breathe together, which left a hole the next phrase jumped out of).
void move_under_rests(BassFigure& bar, const std::vector<int64_t>& tune, int64_t start) {
  const size_t n = bar.size();
  for (size_t k = 0; k < n; ++k) {
    const int from = bar[k].step, to = k + 1 < n ? bar[k + 1].step : 16;
    if (to - from < 4) continue;
    const int64_t gap = start + from * kStep;
    const auto struck = std::lower_bound(tune.begin(), tune.end(), gap - kTicksPerBar);
    if (struck == tune.end() || *struck > gap) continue;  // the tune is not playing here (or has no part at all)
    const auto within = std::lower_bound(tune.begin(), tune.end(), gap + kStep);
    if (within != tune.end() && *within < start + to * kStep) continue;  // it moves inside the gap
    bar.push_back({(from + to) / 2 / 2 * 2, 0, BassTone::kRoot, -6});
  }
  std::sort(bar.begin(), bar.end(), [](const BassHit& a, const BassHit& b) { return a.step < b.step; });
}

}  // namespace

void write_bass(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, const DrumPlan* drums, Rng& rng) {
  if (preset.pattern == "walking") {
    write_walking_bass(part, score, style, preset, rng);
    return;
  }
  const BassIdiom& idiom = bass_idiom(preset.pattern);
  // Kicks between the eighths are followed where the figures or the style's groove move in sixteenths.
  const bool sixteenths = idiom.sixteenths || moves_in_sixteenths(style);
  const std::vector<int64_t> tune = tune_onsets(score);
  for (const Section& s : performed_sections(score)) {
    if (!plays_in(preset, s)) continue;
    const int bars = static_cast<int>(s.length / kTicksPerBar);
    // Intro bars: lighter.
    const double energy = s.name == "intro" ? s.energy * 0.7 : s.energy;
    const bool quiet = energy < idiom.quiet_below;
    const Figures figures = figures_for(idiom, s, rng);
    // The note that anticipated this bar's root (held up to its first note); none: kNoNote. A plain index (g++ 12
    // took an optional's value for maybe-uninitialized here).
    constexpr size_t kNoNote = static_cast<size_t>(-1);
    size_t pushed = kNoNote;
    for (int b = 0; b < bars; ++b) {
      const int64_t bar = s.start_tick + b * kTicksPerBar;
      const bool intro = (s.name == "intro" || s.name == "lead-in") && !idiom.intro.empty();
      BassFigure hits = quiet ? idiom.quiet : intro ? idiom.intro : b % 2 == 0 ? *figures.main : *figures.answer;
      const std::bitset<16> kick = drums ? kick_in_bar(*drums, s, b) : std::bitset<16>{};
      if (idiom.locks_to_kick) lock_to_kick(hits, kick, sixteenths);
      const bool last = b + 1 == bars;
      // (The intro's bars lead into the tune as they are: no turn there.)
      const bool phrase_end = (b % 4 == 3 || last) && s.name != "intro" && s.name != "lead-in";
      const LineContext line{score, preset, bar, style.chromatic_approach};
      bool push_next = false;
      if (!quiet && phrase_end && energy >= 0.4 && !idiom.turns.empty() && rng.chance(last ? 0.8 : 0.55)) {
        apply_turn(hits, idiom.turns[static_cast<size_t>(rng.range(0, static_cast<int>(idiom.turns.size()) - 1))]);
      } else if (!quiet && !last && line.next_root_differs()) {
        // The kick pushed into the next bar (or, now and then, the figure's own last eighth): the bass plays
        // the next chord there and holds it over the bar line.
        const auto at14 = std::find_if(hits.begin(), hits.end(), [](const BassHit& h) { return h.step == 14; });
        if (at14 != hits.end() && ((idiom.locks_to_kick && kick[14]) || rng.chance(0.2))) {
          at14->tone = BassTone::kNextRoot;
          hits.erase(at14 + 1, hits.end());
          push_next = true;
        }
      }
      if (pushed != kNoNote) {
        std::erase_if(hits, [](const BassHit& h) { return h.step == 0; });
        const int first = hits.empty() ? 16 : hits.front().step;
        part.notes[pushed].length = static_cast<int64_t>(static_cast<double>((2 + first) * kStep) * idiom.legato);
      }
      if (idiom.moves_under_rests && !hits.empty()) move_under_rests(hits, tune, bar);
      for (size_t k = 0; k < hits.size(); ++k) {
        const BassHit& h = hits[k];
        const int next = k + 1 < hits.size() ? hits[k + 1].step : 16;
        int steps = next - h.step;
        if (h.length > 0) steps = std::min(steps, h.length);
        const int64_t len = std::max<int64_t>(kStep / 2, static_cast<int64_t>(static_cast<double>(steps * kStep) * idiom.legato));
        // An octave up carries further than the root (more of its sound where the ear is keen): played lighter.
        const int lighter = h.tone == BassTone::kOctave ? 8 : 0;
        part.notes.push_back({bar + h.step * kStep, len, line.pitch(h.tone), velocity_for(96 + h.accent - lighter, energy)});
      }
      pushed = push_next ? part.notes.size() - 1 : kNoNote;
    }
  }
}

}  // namespace bgm::compose_detail
