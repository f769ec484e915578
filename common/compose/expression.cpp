// Expression the way players add it: a pianist's sustain pedal, caught again after every chord change so the
// harmony rings without blurring into the next; strings, choirs and pads that swell through each two-bar phrase
// (CC11) and fade over the final chord.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

constexpr int64_t kPedalCatch = kTicksPerBeat / 8;  // the pedal goes down again just after the new chord sounds

bool is_keyboard(int program) { return program < 16; }  // pianos, electric pianos, mallets
bool is_piano(int program) { return program < 8; }

// Parts that hold their notes: pads, and strings, choirs and synth pads in any role but the melody.
bool is_sustained(const Part& part) {
  if (part.role == Role::kPad) return true;
  if (part.role == Role::kMelody || part.role == Role::kDrums) return false;
  return (part.program >= 40 && part.program <= 55) || (part.program >= 88 && part.program <= 103);
}

void pedal(Part& part, const Score& score) {
  // The melody shares the pedal only when it is the same piano (two hands of one player).
  if (!is_keyboard(part.program) || part.role == Role::kBass || (part.role == Role::kMelody && !is_piano(part.program))) return;
  const int64_t end = score.music_end_tick;
  for (const auto& span : score.chords) {
    if (span.tick >= end) break;
    // Long chords are pedalled again each bar, as a pianist refreshes a held harmony.
    for (int64_t t = span.tick; t < std::min(span.tick + span.length, end); t += kTicksPerBar) {
      if (t > 0) part.controls.push_back({t, kSustainPedal, 0});
      part.controls.push_back({t + kPedalCatch, kSustainPedal, 127});
    }
  }
  part.controls.push_back({end, kSustainPedal, 0});
}

void swell(Part& part, const Score& score) {
  if (!is_sustained(part)) return;
  const int64_t end = score.music_end_tick;
  const int64_t step = kTicksPerBeat / 2;
  const int64_t phrase = 2 * kTicksPerBar;
  int last = -1;
  for (const Section& s : score.sections) {
    const int64_t s_end = std::min(s.start_tick + s.length, end);
    for (int64_t t = s.start_tick; t < s_end; t += step) {
      double value;
      if (s.name == "ending") {
        // From where the phrase left it down to a whisper by the release.
        const double p = static_cast<double>(t - s.start_tick) / static_cast<double>(std::max<int64_t>(s.length, 1));
        value = (last < 0 ? 100 : last) * (1 - p) + 60 * p;
      } else {
        const double phase = static_cast<double>(t % phrase) / static_cast<double>(phrase);
        const double base = 80 + 24 * s.energy;
        value = base + (127 - base) * 0.7 * std::sin(M_PI * phase);
      }
      const int v = std::clamp(static_cast<int>(std::lround(value)), 0, 127);
      if (v != last) part.controls.push_back({t, kExpression, v});
      last = v;
    }
  }
}

}  // namespace

void write_expression(Part& part, const Score& score, const StylePreset& style) {
  if (part.role == Role::kDrums || part.notes.empty()) return;
  if (style.pedal) pedal(part, score);
  if (style.swells) swell(part, score);
  std::stable_sort(part.controls.begin(), part.controls.end(), [](const Control& a, const Control& b) { return a.tick < b.tick; });
}

}  // namespace bgm::compose_detail
