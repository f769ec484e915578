#include "compose/score.h"

#include <algorithm>

namespace bgm {

double Score::seconds_at(double tick) const {
  double seconds = 0;
  for (size_t i = 0; i < tempo.size(); ++i) {
    const double start = static_cast<double>(tempo[i].tick);
    const double end = i + 1 < tempo.size() ? static_cast<double>(tempo[i + 1].tick) : tick;
    if (tick <= start) break;
    const double span = std::min(tick, end) - start;
    seconds += span / kTicksPerBeat * 60.0 / tempo[i].bpm;
  }
  if (tick < 0 && !tempo.empty()) seconds = tick / kTicksPerBeat * 60.0 / tempo.front().bpm;
  return seconds;
}

const Chord& Score::chord_at(int64_t tick) const {
  auto it = std::upper_bound(chords.begin(), chords.end(), tick,
                             [](int64_t t, const ChordSpan& span) { return t < span.tick; });
  if (it != chords.begin()) --it;
  return it->chord;
}

}  // namespace bgm
