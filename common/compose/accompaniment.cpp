// Chord-based parts: pads, comping, strums, power chords, broken chords, arpeggios, ostinati, swells.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

struct Hit {
  double beat;
  double len;
  int accent;
};

// Hits on the given beats, `len` beats long, accented on the beat.
std::vector<Hit> on_beats(std::initializer_list<double> beats, double len) {
  std::vector<Hit> h;
  for (double b : beats) h.push_back({b, len, std::fmod(b, 1.0) == 0.0 ? 4 : -6});
  return h;
}

// A strummed guitar's strings ring until the next stroke: each hit held up to the next one (the last to the bar
// line). Choked after half a beat, a slow strum left a beat of silence before every chord.
std::vector<Hit> ringing(std::vector<Hit> hits) {
  for (size_t i = 0; i < hits.size(); ++i) hits[i].len = (i + 1 < hits.size() ? hits[i + 1].beat : 4.0) - hits[i].beat - 0.05;
  return hits;
}

// Rhythms of block-chord patterns, in beats within a 4/4 bar. `variant` (0-3, the seed's) picks one of the
// pattern's idiomatic rhythms, so each seed comps, strums or stabs its own way.
std::vector<Hit> block_rhythm(const std::string& pattern, double energy, int variant) {
  if (pattern == "comp_laid_back") {
    switch (variant) {
      // Held chords, gently accented: a soft short stab before an accented downbeat is a hole and then a jump.
      case 1: return {{0, 0.9, 4}, {1.5, 1.4, -2}, {3.5, 0.45, -6}};
      case 2: return {{0.5, 1.4, 2}, {2, 0.9, -2}, {3, 0.9, -6}};
      case 3: return {{0, 2.9, 4}, {3, 0.45, -4}, {3.5, 0.45, -6}};
      default: return {{0, 1.4, 4}, {1.5, 1.4, -4}, {3, 0.9, -6}};
    }
  }
  if (pattern == "charleston") {  // jazz comping: the rhythm changes bar to bar (the caller varies `variant`)
    switch (variant) {
      case 1: return {{0.5, 0.4, 0}, {2, 1.4, -2}};
      case 2: return {{1.5, 0.4, 0}, {3, 0.9, -4}};
      case 3: return {{0, 0.9, 2}, {2.5, 0.4, -4}, {3.5, 0.4, -6}};
      default: return {{0, 1.4, 4}, {1.5, 0.4, -4}};
    }
  }
  if (pattern == "stabs") {
    if (energy < 0.4) return {{0, 1.9, 0}, {2, 1.9, -4}};
    switch (variant) {
      case 1: return on_beats({0, 1.5, 3}, 0.35);
      case 2: return on_beats({0.5, 1.5, 2, 3.5}, 0.35);
      case 3: return on_beats({0.5, 2.5, 3, 3.5}, 0.35);
      default: return on_beats({0.5, 1.5, 2.5, 3.5}, 0.35);
    }
  }
  if (pattern == "quarters") {
    if (energy < 0.4) return {{0, 1.9, 0}, {2, 1.9, -4}};
    return on_beats({0, 1, 2, 3}, 0.9);
  }
  if (pattern == "strum") {
    if (energy < 0.35) return {{0, 1.9, 4}, {2, 1.9, -2}};
    switch (variant) {
      case 1: return ringing(on_beats({0, 1, 1.5, 2, 3}, 0));
      case 2: return ringing(on_beats({0, 1.5, 2.5, 3.5}, 0));
      case 3: return ringing(on_beats({0, 1, 2, 3, 3.5}, 0));
      default: return ringing({{0, 0, 6}, {1, 0, -4}, {1.5, 0, -8}, {2.5, 0, -6}, {3, 0, 0}, {3.5, 0, -8}});
    }
  }
  if (pattern == "power") {
    if (energy < 0.45) return {{0, 1.9, 4}, {2, 1.9, 0}};
    switch (variant) {
      case 1: return on_beats({0, 0.5, 1.5, 2, 2.5, 3.5}, 0.4);
      case 2: return on_beats({0, 1.5, 3, 3.5}, 0.4);
      case 3: return on_beats({0, 0.5, 1, 1.5, 2, 3}, 0.4);
      default: return on_beats({0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5}, 0.4);
    }
  }
  return {{0, 4, 0}};  // sustain
}

// Which eighths (bit i: the i-th eighth of the bar) a broken chord or arpeggio plays, by the seed's variant.
bool figure_plays(int variant, int eighth) {
  static const unsigned kMasks[] = {0b11111111, 0b11011101, 0b10111011, 0b01110111};
  return (kMasks[variant & 3] >> eighth) & 1u;
}

// The notes of a power chord: root, fifth, octave in the part's range.
std::vector<int> power_voicing(const Chord& chord, const PartPreset& p) {
  const int root = note_at_or_above(chord.root, p.range[0]);
  const int fifth = note_at_or_above(chord.tones[2], root);
  return {root, fifth, root + 12};
}

// What a chord part carries from one chord to the next: its voicing, and (for sustained pads) which note of the
// part holds each pitch, so common tones are tied over instead of struck again.
struct VoiceState {
  std::vector<int> voicing;
  std::map<int, size_t> held;  // pitch -> index in part.notes
};

void write_block(Part& part, const Score& score, const PartPreset& p, const Section& s, VoiceState& state, int variant, Rng& rng) {
  std::vector<int>& previous = state.voicing;
  const bool sustain = p.pattern.empty() || p.pattern == "sustain";
  for (const auto& span : score.chords) {
    const int64_t start = std::max(span.tick, s.start_tick);
    const int64_t end = std::min(span.tick + span.length, s.start_tick + s.length);
    if (start >= end) continue;
    std::vector<int> voicing = p.pattern == "power" ? power_voicing(span.chord, p)
                                                    : voice_chord(span.chord, p.range, previous, p.role == Role::kPad ? 4 : 4);
    previous = voicing;
    if (sustain) {
      const int vel = velocity_for(p.role == Role::kPad ? 70 : 80, s.energy);
      std::map<int, size_t> held;
      for (int n : voicing) {
        auto it = state.held.find(n);
        if (it != state.held.end() && part.notes[it->second].tick + part.notes[it->second].length == start) {
          part.notes[it->second].length += end - start;  // a common tone: tie it over
          held[n] = it->second;
        } else {
          held[n] = part.notes.size();
          part.notes.push_back({start, end - start, n, vel});
        }
      }
      state.held = std::move(held);
      continue;
    }
    for (int64_t bar = start; bar < end; bar += kTicksPerBar) {
      const int bar_variant = p.pattern == "charleston" ? rng.range(0, 3) : variant;
      // Before the lead-in, a comping pianist sets the harmony in half notes (one held chord decayed into a hole before
      // the lead-in); the band swings in after it.
      const bool set_harmony = s.name == "intro" && p.pattern == "charleston";
      // In the lead-in the comping pushes through the bar into the theme (a random Charleston bar could leave its
      // second half empty: the theme then entered 6 dB above the hole).
      const bool push_in = s.name == "lead-in" && p.pattern == "charleston";
      const std::vector<Hit> hits = set_harmony ? std::vector<Hit>{{0, 1.9, 0}, {2, 1.9, -6}}
                                    : push_in   ? std::vector<Hit>{{0, 1.4, 2}, {1.5, 0.9, -4}, {2.5, 1.4, -2}}
                                                : block_rhythm(p.pattern, s.energy, bar_variant);
      for (const Hit& h : hits) {
        const int64_t tick = bar + static_cast<int64_t>(h.beat * kTicksPerBeat);
        if (tick >= end) continue;
        const int64_t len = std::min<int64_t>(static_cast<int64_t>(h.len * kTicksPerBeat), end - tick);
        const int vel = velocity_for(84 + h.accent, s.energy);
        // Strums: down-strokes low to high, a few ticks apart, like a hand across strings.
        const bool strum = p.pattern == "strum";
        const bool up = strum && std::fmod(h.beat, 1.0) != 0.0;
        for (size_t k = 0; k < voicing.size(); ++k) {
          const size_t idx = up ? voicing.size() - 1 - k : k;
          const int64_t spread = strum ? static_cast<int64_t>(k) * 12 : 0;
          part.notes.push_back({tick + spread, std::max<int64_t>(len - spread, 30), voicing[idx], vel - (up ? 8 : 0)});
        }
      }
    }
  }
}

// Whether the tune breathes at `t`: it played in the bar before, but nothing in the last beat nor until `t + step`.
// A figure plays every step there instead of its rhythm's gaps (the left hand flows where the right hand rests), so
// a phrase that ends on a long, decaying note does not leave a hole before the next one.
bool tune_breathes(const std::vector<int64_t>& onsets, int64_t t, int64_t step) {
  auto after = std::lower_bound(onsets.begin(), onsets.end(), t - kTicksPerBeat);
  if (after != onsets.end() && *after < t + step) return false;
  auto before = std::lower_bound(onsets.begin(), onsets.end(), t - kTicksPerBar);
  return before != onsets.end() && *before < t;
}

// Broken chords and arpeggios: one note at a time through the chord.
// `onsets`: the tune's (tune_onsets), where the figure answers it.
void write_figure(Part& part, const Score& score, const PartPreset& p, const Section& s, int variant, const std::vector<int64_t>& onsets,
                  Rng& rng) {
  const bool sixteenth = p.pattern == "arp16";
  const int64_t step = sixteenth ? kTicksPerBeat / 4 : kTicksPerBeat / 2;
  for (const auto& span : score.chords) {
    const int64_t start = std::max(span.tick, s.start_tick);
    const int64_t end = std::min(span.tick + span.length, s.start_tick + s.length);
    if (start >= end) continue;
    std::vector<int> notes;
    if (p.pattern == "broken") {
      // Left hand: root position spread over an octave and a third, in the seed's own order. It moves on every
      // eighth: in a slow piece a skipped eighth after the pedal's change at the bar line is a hole.
      const int root = note_at_or_above(span.chord.root, p.range[0]);
      const int fifth = note_at_or_above(span.chord.tones[2], root);
      const int third = note_at_or_above(span.chord.tones[1], root + 12);
      switch (variant & 3) {
        case 1: notes = {root, fifth, root + 12, third}; break;
        case 2: notes = {root, third, fifth, third}; break;
        case 3: notes = {root, fifth, third, fifth, root + 12, fifth, third, fifth}; break;
        default: notes = {root, fifth, third, fifth}; break;
      }
    } else if (p.pattern == "ostinato") {
      const int root = note_at_or_above(span.chord.root, p.range[0]);
      const int fifth = note_at_or_above(span.chord.tones[2], root);
      notes = {root, root, fifth, root, root + 12, root, fifth, root};
    } else {
      // Arpeggio up and back down over two octaves of chord tones.
      std::vector<int> up;
      int n = note_at_or_above(span.chord.root, p.range[0]);
      while (n <= p.range[1] && up.size() < 8) {
        up.push_back(n);
        int next = 128;
        for (int t : span.chord.tones) next = std::min(next, note_at_or_above(t, n + 1));
        n = next;
      }
      if (up.empty()) up.push_back(note_at_or_above(span.chord.root, p.range[0]));
      notes = up;
      for (size_t k = up.size() >= 2 ? up.size() - 2 : 0; k >= 1 && k < up.size(); --k) notes.push_back(up[k]);
    }
    size_t i = 0;
    const double density = s.energy < 0.45 && p.pattern != "broken" ? 0.5 : 1.0;
    for (int64_t t = start; t < end; t += step, ++i) {
      const bool on_beat = (t - span.tick) % kTicksPerBeat == 0;
      const bool answers = tune_breathes(onsets, t, step);
      // The seed's rhythm leaves some eighths out (never a chord's first note).
      if (!answers && p.pattern != "broken" && t != span.tick && !figure_plays(variant, static_cast<int>((t % kTicksPerBar) / (kTicksPerBeat / 2)))) continue;
      if (!answers && density < 1.0 && !on_beat && (t - span.tick) % (kTicksPerBeat / 2) != 0) continue;
      if (density < 1.0 && !on_beat && rng.chance(0.5) && !answers) continue;
      const int pitch = notes[i % notes.size()];
      const int64_t len = p.pattern == "broken" ? std::min<int64_t>(step * 3, end - t) : std::min<int64_t>(step - 10, end - t);
      // A left hand's off-beats are only a little lighter: at a slow tempo a beat outlasts a listener's 400 ms, and
      // a light off-beat between accented beats is heard as the level dropping and jumping back.
      const int off_beat = p.pattern == "broken" ? 76 : 70;
      part.notes.push_back({t, len, pitch, velocity_for(on_beat ? 82 : off_beat, s.energy)});
    }
  }
}

// Swells: long notes on the chord's third or fifth, two bars at a time.
void write_swell(Part& part, const Score& score, const PartPreset& p, const Section& s) {
  int previous = (p.range[0] + p.range[1]) / 2;
  for (int64_t t = s.start_tick; t < s.start_tick + s.length; t += 2 * kTicksPerBar) {
    const Chord& chord = score.chord_at(t);
    const int tone = chord.tones[chord.tones.size() > 2 ? (t / (2 * kTicksPerBar)) % 2 + 1 : 0];
    int pitch = nearest_note(tone, previous);
    while (pitch > p.range[1]) pitch -= 12;
    while (pitch < p.range[0]) pitch += 12;
    previous = pitch;
    const int64_t len = std::min<int64_t>(2 * kTicksPerBar, s.start_tick + s.length - t);
    // Held across a chord change only if it stays a chord tone; otherwise cut at the change.
    int64_t held = len;
    for (const auto& span : score.chords)
      if (span.tick > t && span.tick < t + len && !span.chord.contains(pitch)) held = std::min(held, span.tick - t);
    part.notes.push_back({t, held, pitch, velocity_for(64, s.energy)});
  }
}

}  // namespace

void write_accompaniment(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng) {
  (void)style;
  VoiceState state;
  const int variant = rng.range(0, 3);
  const std::vector<int64_t> onsets = tune_onsets(score);
  for (const Section& s : performed_sections(score)) {
    if (!plays_in(preset, s)) continue;
    const std::string& pat = preset.pattern;
    if (pat == "broken" || pat == "arp8" || pat == "arp16" || pat == "ostinato") write_figure(part, score, preset, s, variant, onsets, rng);
    else if (pat == "swell") write_swell(part, score, preset, s);
    else write_block(part, score, preset, s, state, variant, rng);
  }
}

std::vector<int64_t> tune_onsets(const Score& score) {
  std::vector<int64_t> out;
  for (const Part& part : score.parts)
    if (part.role == Role::kMelody)
      for (const Note& n : part.notes) out.push_back(n.tick);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace bgm::compose_detail
