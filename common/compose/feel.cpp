// Performance feel: swing delays the off-beat of each eighth (or sixteenth) pair; humanising nudges timing
// and velocity a little, deterministically from the seed. The written grid (Note::tick) is kept.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "compose/writers.h"

namespace bgm::compose_detail {

void apply_feel(Part& part, const StylePreset& style, double bpm, Rng& rng) {
  const int64_t unit = style.swing_unit == 16 ? kTicksPerBeat / 4 : kTicksPerBeat / 2;
  const double ticks_per_ms = bpm / 60.0 * kTicksPerBeat / 1000.0;
  for (Note& n : part.notes) {
    int64_t offset = 0;
    if (style.swing > 0.5) {
      // The pair's first half stretches to `swing` of it and the second shrinks, so the off-beat lands at
      // `swing` and any note between (a sixteenth in swung eighths) keeps its place in the swung pair.
      const int64_t pos = n.tick % (2 * unit);
      const double swung = pos < unit ? static_cast<double>(pos) * 2 * style.swing
                                      : 2.0 * static_cast<double>(unit) * style.swing + static_cast<double>(pos - unit) * 2 * (1 - style.swing);
      offset += static_cast<int64_t>(std::lround(swung - static_cast<double>(pos)));
    }
    if (style.humanize_ms > 0) {
      // Roughly normal: the mean of two uniforms, scaled to the style's spread; downbeats stay tighter.
      const double u = (rng.uniform() + rng.uniform() - 1.0);
      const double spread = n.tick % kTicksPerBar == 0 ? 0.4 : 1.0;
      offset += static_cast<int64_t>(std::lround(u * style.humanize_ms * spread * ticks_per_ms));
    }
    if (n.tick + offset < 0) offset = -n.tick;
    n.offset = offset;
    if (style.humanize_velocity > 0) {
      // The bass is the floor of the mix: played (and, on a record, compressed) more evenly than the rest.
      const int spread = part.role == Role::kBass ? style.humanize_velocity / 4 : style.humanize_velocity / 2;
      n.velocity = std::clamp(n.velocity + rng.range(-spread, spread), 1, 127);
    }
  }
  // A note ends before its pitch is struck again: held up to a repeat and then humanised, the first note's release
  // could land after the second strike and silence it (a hole in a bass line until its next note).
  std::vector<Note*> by_pitch;
  for (Note& n : part.notes) by_pitch.push_back(&n);
  std::stable_sort(by_pitch.begin(), by_pitch.end(), [](const Note* a, const Note* b) {
    return a->pitch != b->pitch ? a->pitch < b->pitch : a->tick + a->offset < b->tick + b->offset;
  });
  for (size_t i = 0; i + 1 < by_pitch.size(); ++i) {
    Note& a = *by_pitch[i];
    const Note& b = *by_pitch[i + 1];
    if (a.pitch != b.pitch) continue;
    const int64_t room = (b.tick + b.offset) - (a.tick + a.offset);
    if (a.length > room) a.length = std::max<int64_t>(1, room);
  }
}

}  // namespace bgm::compose_detail
