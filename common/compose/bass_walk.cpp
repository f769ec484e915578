// The walking bass of jazz (see bass_line.h).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "compose/bass_line.h"
#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

constexpr int64_t kStep = kTicksPerBeat / 4;

// `pitch` moved an octave at a time until it is near the part's range (a line may pass its ends a little).
int fit(int pitch, const PartPreset& p) {
  while (pitch > p.range[1] + 5) pitch -= 12;
  while (pitch < p.range[0] - 3) pitch += 12;
  return pitch;
}

struct Walk {
  int step, pitch, accent, length;  // length in sixteenths
};

// The way into `target` from `from`'s side: a half step (`chromatic` styles), a scale step, or the target's fifth.
int approach_into(const Score& score, const Chord& next, int from, int target, bool chromatic, Rng& rng) {
  const int side = from > target ? 1 : -1;
  switch (rng.weighted({chromatic ? 0.45 : 0.0, 0.35, 0.2})) {
    case 0: return target + side;
    case 1: {
      const int step = step_in(chord_scale(score.key, next), target, side);
      return step == from ? target - side : step;
    }
    default: {
      const int fifth = side > 0 ? target + 7 : target - 5;
      return fifth == from ? target + side : fifth;
    }
  }
}

// A chord tone of `chord` `count` tones above (or, negative, below) `root`.
int chord_tone_from(const Chord& chord, int root, int count) {
  if (chord.tones.empty()) return root;
  int n = root;
  const int dir = count > 0 ? 1 : -1;
  for (int i = 0; i != count; i += dir) {
    do n += dir;
    while (!chord.contains(n));
  }
  return n;
}

std::vector<Walk> walk_bar(const Score& score, const Chord& chord, const Chord& next, int root, const PartPreset& p, bool chromatic,
                           double energy, bool phrase_end, Rng& rng) {
  // Up or down: mostly toward the middle of the range, so the line does not run out of it.
  const bool low = root < (p.range[0] + p.range[1]) / 2;
  int dir = rng.chance(low ? 0.7 : 0.3) ? 1 : -1;
  const bool arpeggio = rng.chance(0.5);
  const auto scale = chord_scale(score.key, chord);
  auto tone = [&](int count) { return arpeggio ? chord_tone_from(chord, root, count) : step_in(scale, root, count); };
  if (const int end = tone(2 * dir) + 2 * dir; end < p.range[0] - 3 || end > p.range[1] + 5) dir = -dir;
  const int second = tone(dir), third = tone(2 * dir);
  const int target = nearest_note(next.root, third + 2 * dir);
  if (energy < 0.35) {
    // Two-feel: the root and a chord tone, now and then a skip into the next bar.
    if (chromatic && rng.chance(0.25)) return {{0, root, 4, 8}, {8, third, -4, 6}, {14, target + (third > target ? 1 : -1), -10, 2}};
    return {{0, root, 4, 8}, {8, third, -4, 8}};
  }
  if (chromatic && phrase_end && rng.chance(0.3)) {
    // An enclosure: through the chord, then the scale step above the next root and the half step below it.
    return {{0, root, 4, 4}, {4, second, -4, 4}, {8, step_in(chord_scale(score.key, next), target, 1), -2, 4}, {12, target - 1, -4, 4}};
  }
  const int fourth = approach_into(score, next, third, target, chromatic, rng);
  std::vector<Walk> bar = {{0, root, 4, 4}, {4, second, -4, 4}, {8, third, -2, 4}, {12, fourth, -4, 4}};
  if (energy >= 0.5 && rng.chance(0.15 + 0.15 * energy)) {
    // A skip: the last beat split in two, the third beat's note again and the approach on the off-beat, lighter.
    bar.back() = {12, third, -4, 2};
    bar.push_back({14, fourth, -10, 2});
  }
  return bar;
}

}  // namespace

void write_walking_bass(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng) {
  int previous = note_at_or_above(score.chords.front().chord.root, preset.range[0]);
  for (const Section& s : performed_sections(score)) {
    if (!plays_in(preset, s)) continue;
    const int bars = static_cast<int>(s.length / kTicksPerBar);
    const double energy = s.name == "intro" ? s.energy * 0.7 : s.energy;
    for (int b = 0; b < bars; ++b) {
      const int64_t bar = s.start_tick + b * kTicksPerBar;
      const Chord& chord = score.chord_at(bar);
      const Chord& next = score.chord_at(std::min(bar + kTicksPerBar, score.chords.back().tick));
      const int root = fit(nearest_note(chord.root, previous), preset);
      const bool phrase_end = (b % 4 == 3 || b + 1 == bars) && s.name != "intro";
      for (const Walk& w : walk_bar(score, chord, next, root, preset, style.chromatic_approach, energy, phrase_end, rng)) {
        const int pitch = fit(w.pitch, preset);
        part.notes.push_back({bar + w.step * kStep, w.length * kStep, pitch,
                              velocity_for(96 + w.accent, energy)});
        previous = pitch;
      }
    }
  }
}

}  // namespace bgm::compose_detail
