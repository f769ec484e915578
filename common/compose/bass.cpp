#include <algorithm>
#include <cmath>
#include <cstdint>

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

// The chord root placed low in the part's range.
int root_note(const Chord& chord, const PartPreset& p) {
  int n = note_at_or_above(chord.root, p.range[0]);
  if (n > p.range[1]) n -= 12;
  return n;
}

int fifth_above(const Chord& chord, int root) {
  return chord.tones.size() >= 3 ? note_at_or_above(chord.tones[2], root) : root + 7;
}

struct Hit {
  double beat;   // position in the bar, in beats
  double len;    // length in beats
  int which;     // 0 root, 1 fifth, 2 octave, 3 approach to the next root, 4 chord third
  int accent;    // velocity offset
};

std::vector<Hit> pattern_hits(const std::string& pattern, double energy) {
  if (pattern == "sustain") return {{0, 4, 0, 0}};
  if (pattern == "long") return {{0, 1.75, 0, 6}, {1.75, 0.5, 0, -4}, {2.5, 1.5, 0, 0}};
  if (pattern == "root_fifth") {
    if (energy < 0.4) return {{0, 2, 0, 0}, {2, 2, 1, -6}};
    return {{0, 1.5, 0, 0}, {1.5, 0.5, 0, -10}, {2, 1.5, 1, -4}, {3.5, 0.5, 3, -8}};
  }
  if (pattern == "syncopated") return {{0, 1.5, 0, 4}, {1.5, 1, 0, -6}, {2.5, 1, 1, -4}, {3.5, 0.5, 3, -10}};
  if (pattern == "offbeat8") return {{0.5, 0.45, 0, 0}, {1.5, 0.45, 0, -4}, {2.5, 0.45, 0, 0}, {3.5, 0.45, 0, -4}};
  if (pattern == "octave8") {
    std::vector<Hit> h;
    for (int i = 0; i < 8; ++i) h.push_back({i * 0.5, 0.45, i % 2 == 0 ? 0 : 2, i % 2 == 0 ? 0 : -8});
    return h;
  }
  if (pattern == "walking") return {{0, 1, 0, 4}, {1, 1, 4, -4}, {2, 1, 1, 0}, {3, 1, 3, -6}};
  // pulse8 (default): driving eighths; quarters at low energy
  std::vector<Hit> h;
  if (energy < 0.35) {
    for (int i = 0; i < 4; ++i) h.push_back({i * 1.0, 0.9, 0, i == 0 ? 4 : -6});
  } else {
    for (int i = 0; i < 8; ++i) h.push_back({i * 0.5, 0.42, i == 7 ? 3 : 0, i % 2 == 0 ? 2 : -10});
  }
  return h;
}

}  // namespace

void write_bass(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng) {
  (void)style;
  for (const Section& s : performed_sections(score)) {
    if (!plays_in(preset, s)) continue;
    const int64_t end = s.start_tick + s.length;
    for (int64_t bar = s.start_tick; bar < end; bar += kTicksPerBar) {
      const Chord& chord = score.chord_at(bar);
      const Chord& next = score.chord_at(std::min(bar + kTicksPerBar, score.chords.back().tick));
      // Intro bars and the first bar after a quiet section: lighter.
      const double energy = s.name == "intro" ? s.energy * 0.7 : s.energy;
      const int root = root_note(chord, preset);
      for (const Hit& h : pattern_hits(preset.pattern, energy)) {
        int pitch = root;
        switch (h.which) {
          case 1: pitch = fifth_above(chord, root); break;
          case 2: pitch = root + 12 <= preset.range[1] + 5 ? root + 12 : root; break;
          case 3: {
            // Approach the next bar's root by a scale step from below or above.
            const int target = root_note(next, preset);
            if (target == root) {
              pitch = fifth_above(chord, root);
            } else {
              pitch = scale_step(score.key, target, target > root ? -1 : 1);
              if (!chord.contains(pitch) && !in_scale(score.key, pitch)) pitch = root;
            }
            break;
          }
          case 4:
            pitch = chord.tones.size() > 1 ? note_at_or_above(chord.tones[1], root) : root;
            if (rng.chance(0.3) && chord.tones.size() > 3) pitch = note_at_or_above(chord.tones[3], root);
            break;
          default: break;
        }
        if (pitch > preset.range[1] + 7) pitch -= 12;
        const int64_t tick = bar + static_cast<int64_t>(h.beat * kTicksPerBeat);
        const int64_t len = static_cast<int64_t>(h.len * kTicksPerBeat);
        part.notes.push_back({tick, len, pitch, velocity_for(96 + h.accent, energy)});
      }
    }
  }
}

}  // namespace bgm::compose_detail
