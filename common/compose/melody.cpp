// The melody: a hook per theme that comes back. A 4-bar phrase is hook, answer, hook again, cadence; an 8-bar theme
// is a period, that phrase and its consequent (its first three bars again, then a leap to the period's peak that
// falls to the close); later phrases of a long theme climb to the hook higher in their third bar. What a
// theme's first statement played is remembered and played again, note for note, whenever the theme returns (the
// outro too), so a listener hears the tune come back. Chord tones on strong beats, steps along the chord's scale
// between them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>

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
  // At least three notes: a hook a listener can pick out and hum (two in the sparsest styles: ambient floats).
  const int fewest = style.melody.density >= 0.25 ? 3 : 2;
  const int count = std::clamp(static_cast<int>(std::lround(style.melody.density * 8)) + rng.range(0, 1), fewest, 7);
  std::vector<double> weights = {4, 1.2, 2.5, 1.5, 3.5, 1.2, 2.5, 1.0};  // strong beats likelier
  std::vector<int> picked;
  if (rng.chance(0.8)) {
    picked.push_back(0);
    weights[0] = 0;  // one note per slot: a melody line, not a chord
  }
  while (static_cast<int>(picked.size()) < count) {
    const int slot = static_cast<int>(rng.weighted(weights));
    weights[static_cast<size_t>(slot)] = 0;
    picked.push_back(slot);
  }
  std::sort(picked.begin(), picked.end());
  m.onsets = picked;
  for (size_t i = 1; i < m.onsets.size(); ++i) {
    static const std::vector<int> step_choices = {-2, -1, 1, 2, -3, 3, 0, 4, -4};
    static const std::vector<double> step_weights = {1.5, 6.0, 6.0, 1.5, 0.6, 0.6, 1.2, 0.3, 0.3};
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
  // A consequent's close (`peak`) first leaps to the period's high point, then falls to its close.
  void cadence_bar(int64_t bar_tick, double energy, bool closing, bool peak) {
    const Chord& chord = score.chord_at(bar_tick);
    if (peak) {
      const int high = fold_into(nearest_chord_tone(chord, std::min(previous + 7, range[1] - 2), 1), range[0], range[1]);
      note(bar_tick, 2 * kTicksPerBeat - 20, high, velocity_for(90, energy));
      previous = high;
      bar_tick += 2 * kTicksPerBeat;
    } else if (rng.chance(0.5)) {
      const int pick = nearest_chord_tone(chord, previous + (rng.chance(0.5) ? 2 : -2), 0);
      note(bar_tick, kTicksPerBeat - 20, fold_into(pick, range[0], range[1]), velocity_for(84, energy));
      previous = fold_into(pick, range[0], range[1]);
      bar_tick += kTicksPerBeat;
    }
    // The phrase falls to its close: the tonic (or a chord tone) below where it was, in the lower part of the range.
    int target = closing && chord.degree == 0 ? nearest_note(chord.root, previous - 3) : nearest_chord_tone(chord, previous - 2, -1);
    target = fold_into(target, range[0], (range[0] + range[1]) / 2 + 2);
    const int64_t end = (bar_tick / kTicksPerBar + 1) * kTicksPerBar;
    note(bar_tick, end - bar_tick - 40, target, velocity_for(86, energy));
    previous = target;
  }
};

constexpr int kHookDrafts = 6;

// How much a bar leaps, from the note before it: nothing for steps, more the wider each move.
int leap_cost(const std::vector<Note>& notes, int previous) {
  int cost = 0, from = previous;
  for (const Note& n : notes) {
    const int d = std::abs(n.pitch - from);
    cost += d <= 2 ? 0 : d <= 4 ? 1 : d <= 7 ? 3 : 6;
    from = n.pitch;
  }
  return cost;
}

// The shift (in semitones) from `shifts` that makes a remembered bar fit where it is played again: every note in
// the range and in the key (or the chord), the notes on beats 1 and 3 on chord tones. Of those that fit, the one
// whose first note lies nearest `previous` (the line moves on by step where it can); ties go to the earlier in
// `shifts`, so an exact return wins. A shift that would leap more than `max_join` into the bar does not fit. The
// same rhythm and the same intervals: the tune heard again, maybe higher. nullopt when no shift fits.
std::optional<int> fitting_shift(const std::vector<Note>& bar, int64_t bar_tick, const Score& score, std::array<int, 2> range,
                                 const std::vector<int>& shifts, int previous, int max_join) {
  std::optional<int> best;
  int best_join = 1000;
  for (int shift : shifts) {
    bool fits = !bar.empty();
    for (const Note& n : bar) {
      const int p = n.pitch + shift;
      const Chord& chord = score.chord_at(bar_tick + n.tick);
      const bool strong = n.tick % (2 * kTicksPerBeat) == 0;
      if (p < range[0] || p > range[1] || (strong ? !chord.contains(p) : (scale_degree_of(score.key, p) < 0 && !chord.contains(p)))) {
        fits = false;
        break;
      }
    }
    if (!fits) continue;
    const int join = std::abs(bar.front().pitch + shift - previous);
    if (shift == 0 && join <= max_join) return 0;
    if (join <= max_join && join < best_join) best = shift, best_join = join;
  }
  return best;
}

// The shifts that carry a bar from the chord it was written on to `to`: none, the move between the roots (a
// triad lands on the same kind of triad), octaves, then the other consonant moves.
std::vector<int> shifts_between(const Chord& from, const Chord& to) {
  const int roots = ((to.root - from.root) % 12 + 12) % 12;
  return {0, roots, roots - 12, 12, -12, 5, -7, 7, -5, 3, -3, 4, -4, 2, -2};
}

// Jazz phrasing: an off-beat eighth that leads by a small step into a chord tone on the beat becomes the chromatic
// neighbour of its target (from below when that is outside the key, else from above), so the line leans into the
// beat. Decided by the notes alone, so a replayed bar is changed as it was the first time.
void approach_chromatically(Part& part, const Score& score, std::array<int, 2> range) {
  std::vector<Note>& notes = part.notes;
  std::stable_sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) { return a.tick < b.tick; });
  for (size_t i = 0; i + 1 < notes.size(); ++i) {
    Note& a = notes[i];
    const Note& b = notes[i + 1];
    const bool offbeat = a.tick % kTicksPerBeat == kTicksPerBeat / 2;
    const bool into_chord_tone = score.chord_at(b.tick).contains(b.pitch);  // a lean into the harmony, not a habit
    if (!offbeat || !into_chord_tone || b.tick != a.tick + kTicksPerBeat / 2 || std::abs(a.pitch - b.pitch) > 4 || a.pitch == b.pitch) continue;
    for (int neighbour : {b.pitch - 1, b.pitch + 1}) {
      if (neighbour < range[0] || neighbour > range[1]) continue;
      if (!in_scale(score.key, neighbour) && !score.chord_at(a.tick).contains(neighbour)) {
        a.pitch = neighbour;
        break;
      }
    }
  }
}

}  // namespace

void write_melody(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng) {
  const std::array<int, 2> range = style.melody.range;
  const int middle = (range[0] + range[1]) / 2;
  Writer w{part, score, style, range, rng, middle};
  std::map<std::string, Motif> motifs;
  // A theme's bars as first played, by bar within the section (notes with ticks from the bar's start).
  std::map<std::string, std::map<int, std::vector<Note>>> played;
  std::map<std::string, double> played_energy;  // the energy of the section that first played each theme
  const auto body = body_sections(score);
  for (const Section* s : body) {
    // The outro plays the tune once more, softly, even where it is too quiet for the melody otherwise.
    if ((!plays_in(preset, *s) && !(s->name == "outro" && !played.empty())) || s->name == "intro" || s->name == "build") continue;
    if (!motifs.count(s->theme)) motifs[s->theme] = make_motif(style, rng);
    const Motif& motif = motifs[s->theme];
    auto& memory = played[s->theme];
    const bool first_statement = memory.empty();
    if (first_statement) played_energy[s->theme] = s->energy;
    // A remembered bar is played at this section's level (the outro sings the tune softly), its accents kept.
    const double level = touch_for(s->energy) / touch_for(played_energy[s->theme]);
    auto at_level = [&](int velocity) { return std::clamp(static_cast<int>(std::lround(velocity * level)), 1, 127); };
    const bool last_section = s == body.back();
    w.previous = middle - (s->name == "outro" ? 2 : 0);
    const int bars = static_cast<int>(s->length / kTicksPerBar);
    int replayed_from = -2;  // the remembered bar the bar before played again, and at what shift
    std::optional<int> replayed_shift;
    for (int b = 0; b < bars; ++b) {
      const int64_t tick = s->start_tick + b * kTicksPerBar;
      const int in_phrase = b % 4;
      const bool last_bar = b + 1 == bars;
      const bool closing = last_bar && last_section && s->name != "outro" && !score.loop;
      // A phrase's last bar closes it, and so does a theme's last bar (an outro instead fades on the hook: the
      // ending's chord closes the piece). Other bars are the theme's first statement again, or this phrase's hook
      // (bars 1 and 2 of a consequent; bar 3 of a phrase is the hook again).
      // A loop's last bar does not close: it runs on into the first.
      const bool loop_seam = score.loop && last_section && last_bar && in_phrase != 3;
      const bool cadence = (in_phrase == 3 || (last_bar && s->name != "outro")) && !loop_seam;
      int from_bar = -1;  // the remembered bar played again
      if (!first_statement && memory.count(b) && !closing && (!cadence || in_phrase == 3)) from_bar = b;
      else if (!cadence && b >= 4 && (in_phrase < 2 || (in_phrase == 2 && b < 8)) && memory.count(in_phrase)) from_bar = in_phrase;
      else if (!cadence && in_phrase == 2 && b < 4 && memory.count(0)) from_bar = 0;
      const std::vector<Note>* again = from_bar >= 0 ? &memory.at(from_bar) : nullptr;
      // Played again where it fits the chords here (a theme's return fits as it was; a hook under another chord moves
      // with it), else written anew.
      std::optional<int> shift;
      if (again) {
        const bool theme_return = from_bar == b;  // played as it was: however it joins, it joined so before
        std::vector<int> shifts = shifts_between(score.chord_at(s->start_tick + from_bar * kTicksPerBar), score.chord_at(tick));
        // The bar after a replayed bar moves with it where it fits: the tune heard as one line, not bar by bar.
        const bool continues = replayed_from == from_bar - 1 && replayed_shift;
        if (continues) shift = fitting_shift(*again, tick, score, range, {*replayed_shift}, w.previous, 127);
        if (!shift) shift = fitting_shift(*again, tick, score, range, shifts, w.previous, theme_return ? 127 : 7);
      }
      replayed_from = again && shift ? from_bar : -2;
      replayed_shift = again && shift ? shift : std::nullopt;
      const size_t before = part.notes.size();
      if (again && shift) {
        for (Note n : *again) {
          n.tick += tick;
          n.pitch += *shift;
          n.velocity = at_level(n.velocity);
          part.notes.push_back(n);
          w.previous = n.pitch;
        }
      } else if (cadence) {
        // A period peaks in its close (bar 8 of every 8).
        w.cadence_bar(tick, s->energy, closing || (b % 8) == 7, b % 8 == 7);
      } else if (in_phrase == 2) {
        // The consequent climbs to the phrase's peak before it closes: the hook higher, where it fits.
        const auto up = memory.count(0) ? fitting_shift(memory.at(0), tick, score, range, {7, 5, 12, 4, 3, 9, 8}, w.previous, 7) : std::nullopt;
        if (up) {
          for (Note n : memory.at(0)) {
            n.tick += tick;
            n.pitch += *up;
            n.velocity = std::min(127, at_level(n.velocity) + 6);
            part.notes.push_back(n);
            w.previous = n.pitch;
          }
        } else {
          w.previous = std::min(range[1] - 1, w.previous + 7);
          w.bar(motif, tick, s->energy, 2, false);
        }
      } else {
        // The hook and its answer are heard again and again: of a few drafts, the one that moves most by step.
        std::vector<Note> best;
        int best_cost = 1 << 30, best_previous = w.previous;
        for (int draft = 0; draft < kHookDrafts; ++draft) {
          Part scratch;
          Writer d{scratch, score, style, range, rng, w.previous};
          d.bar(motif, tick, s->energy, in_phrase == 1 ? 1 : 0, true);
          // Rests cost too: otherwise the draft that rests most (and so leaps least) would always win, and the
          // tune would thin out to a note or two a bar.
          const int rests = static_cast<int>(motif.onsets.size()) - static_cast<int>(scratch.notes.size());
          const int cost = leap_cost(scratch.notes, w.previous) + 3 * rests;
          if (cost < best_cost) best = std::move(scratch.notes), best_cost = cost, best_previous = d.previous;
        }
        part.notes.insert(part.notes.end(), best.begin(), best.end());
        w.previous = best_previous;
      }
      if (first_statement && !memory.count(b)) {
        std::vector<Note> bar_notes(part.notes.begin() + static_cast<std::ptrdiff_t>(before), part.notes.end());
        for (auto& n : bar_notes) n.tick -= tick;
        memory[b] = std::move(bar_notes);
      }
    }
  }
  if (style.chromatic_approach) approach_chromatically(part, score, range);
}

}  // namespace bgm::compose_detail
