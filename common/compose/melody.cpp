// The melody: motifs of one bar per theme, stated, varied, sequenced and answered in 4-bar phrases;
// chord tones on strong beats, steps along the chord's scale between them.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

struct Motif {
  std::vector<int> onsets;  // in eighths within the bar, ascending, 0..7
  std::vector<int> steps;   // scale steps from each note to the next (size = onsets - 1)
  int first_offset = 0;     // where the first note starts relative to the anchor, in chord-tone steps
};

Motif make_motif(const StylePreset& style, Rng& rng) {
  Motif m;
  const int count = std::clamp(static_cast<int>(std::lround(style.melody.density * 8)) + rng.range(-1, 1), 2, 7);
  std::vector<double> weights = {4, 1.2, 2.5, 1.5, 3.5, 1.2, 2.5, 1.0};  // strong beats likelier
  std::vector<int> picked;
  if (rng.chance(0.8)) picked.push_back(0);
  while (static_cast<int>(picked.size()) < count) {
    const int slot = static_cast<int>(rng.weighted(weights));
    weights[static_cast<size_t>(slot)] = 0;
    picked.push_back(slot);
  }
  std::sort(picked.begin(), picked.end());
  m.onsets = picked;
  for (size_t i = 1; i < m.onsets.size(); ++i) {
    static const std::vector<int> step_choices = {-2, -1, 1, 2, -3, 3, 0, 4, -4};
    static const std::vector<double> step_weights = {2.0, 4.0, 4.0, 2.0, 0.8, 0.8, 1.0, 0.4, 0.4};
    m.steps.push_back(step_choices[rng.weighted(step_weights)]);
  }
  m.first_offset = rng.range(-1, 1);
  return m;
}

// Chord tone nearest to `target` (ties: the one in the direction of `dir`).
int nearest_chord_tone(const Chord& chord, int target, int dir) {
  int best = target;
  int best_dist = 99;
  for (int tone : chord.tones) {
    for (int n = nearest_note(tone, target) - 12; n <= target + 12; n += 12) {
      const int d = std::abs(n - target);
      if (d < best_dist || (d == best_dist && (n - target) * dir > 0)) best = n, best_dist = d;
    }
  }
  return best;
}

int fold_into(int pitch, int lo, int hi) {
  while (pitch > hi) pitch -= 12;
  while (pitch < lo) pitch += 12;
  return pitch;
}

struct Writer {
  Part& part;
  const Score& score;
  const StylePreset& style;
  std::array<int, 2> range;
  Rng& rng;
  int previous;

  void note(int64_t tick, int64_t len, int pitch, int vel) { part.notes.push_back({tick, len, pitch, vel}); }

  // One bar of the motif (possibly varied) starting near `anchor`; returns the last pitch.
  void bar(const Motif& m, int64_t bar_tick, double energy, int variation, bool strong_start) {
    const Chord& chord = score.chord_at(bar_tick);
    int pitch = nearest_chord_tone(chord, previous + m.first_offset * 2, 0);
    for (size_t i = 0; i < m.onsets.size(); ++i) {
      const int slot = m.onsets[i];
      const int64_t tick = bar_tick + slot * (kTicksPerBeat / 2);
      const Chord& here = score.chord_at(tick);
      if (i > 0) {
        int step = m.steps[i - 1];
        if (variation == 1 && i + 1 == m.onsets.size()) step = -step;       // answer: turn the last step
        if (variation == 2 && i % 2 == 1) step = step > 0 ? step - 1 : step + 1;  // smoother variant
        const auto scale = chord_scale(score.key, here);
        pitch = step_in(scale, pitch, step);
        if (pitch > range[1] || pitch < range[0]) pitch = step_in(scale, pitch, -2 * step);
      }
      const bool strong = slot % 4 == 0;
      if (strong || (i == 0 && strong_start)) pitch = nearest_chord_tone(here, pitch, i > 0 ? m.steps[i - 1] : 0);
      pitch = fold_into(pitch, range[0], range[1]);
      if (!strong && !here.contains(pitch) && scale_degree_of(score.key, pitch) < 0) pitch = nearest_chord_tone(here, pitch, 0);
      // Rests inside the phrase, never on the downbeat.
      if (i > 0 && !strong && rng.chance(style.melody.rests * 0.5)) continue;
      const int next_slot = i + 1 < m.onsets.size() ? m.onsets[i + 1] : 8;
      const int64_t len = (next_slot - slot) * (kTicksPerBeat / 2) - 20;
      note(tick, std::max<int64_t>(len, 60), pitch, velocity_for(strong ? 92 : 80, energy));
      previous = pitch;
    }
  }

  // The last bar of a phrase: one or two notes ending long on a chord tone (the root when it closes on the tonic).
  void cadence_bar(int64_t bar_tick, double energy, bool closing) {
    const Chord& chord = score.chord_at(bar_tick);
    if (rng.chance(0.5)) {
      const int pick = nearest_chord_tone(chord, previous + (rng.chance(0.5) ? 2 : -2), 0);
      note(bar_tick, kTicksPerBeat - 20, fold_into(pick, range[0], range[1]), velocity_for(84, energy));
      previous = fold_into(pick, range[0], range[1]);
      bar_tick += kTicksPerBeat;
    }
    int target = closing && chord.degree == 0 ? nearest_note(chord.root, previous) : nearest_chord_tone(chord, previous, 0);
    target = fold_into(target, range[0], range[1]);
    const int64_t end = (bar_tick / kTicksPerBar + 1) * kTicksPerBar;
    note(bar_tick, end - bar_tick - 40, target, velocity_for(86, energy));
    previous = target;
  }
};

}  // namespace

void write_melody(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng) {
  const std::array<int, 2> range = style.melody.range;
  Writer w{part, score, style, range, rng, (range[0] + range[1]) / 2};
  std::map<std::string, Motif> motifs;
  std::map<std::string, int> statements;
  for (const Section* s : body_sections(score)) {
    if (!plays_in(preset, *s) || s->name == "intro" || s->name == "build") continue;
    if (!motifs.count(s->theme)) motifs[s->theme] = make_motif(style, rng);
    const Motif& motif = motifs[s->theme];
    const int statement = statements[s->theme]++;
    // A restated theme climbs a little: the same tune, brighter.
    w.previous = (range[0] + range[1]) / 2 + (statement > 0 ? 3 : 0) - (s->name == "outro" ? 4 : 0);
    const int bars = static_cast<int>(s->length / kTicksPerBar);
    for (int b = 0; b < bars; ++b) {
      const int64_t tick = s->start_tick + b * kTicksPerBar;
      const int in_phrase = b % 4;
      const bool last_bar_of_section = b + 1 == bars;
      if (in_phrase == 3 || last_bar_of_section) {
        w.cadence_bar(tick, s->energy, (b % 8) == 7 || last_bar_of_section);
      } else if (in_phrase == 2) {
        w.bar(motif, tick, s->energy, 2 + (statement % 2), false);  // sequence: same rhythm, moved with the chord
      } else {
        w.bar(motif, tick, s->energy, in_phrase == 1 ? 1 : 0, true);
      }
    }
  }
}

}  // namespace bgm::compose_detail
