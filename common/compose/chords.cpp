#include <algorithm>
#include <cmath>
#include <cstdint>

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

// Theme A takes the progression the seed picks among the style's, B and C the next ones: each piece its own
// harmony, each theme its own within the piece.
const std::vector<int>& progression_for(const StylePreset& style, const Key& key, const std::string& theme, size_t pick) {
  const bool major = key.mode == Mode::kMajor || key.mode == Mode::kMixolydian;
  const auto& list = major ? style.progressions_major : style.progressions_minor;
  size_t index = pick;
  if (theme == "B") index += 1;
  if (theme == "C") index += 2;
  return list[index % list.size()];
}

}  // namespace

void write_chords(Score& score, const StylePreset& style, Rng& rng) {
  const size_t pick = static_cast<size_t>(rng.range(0, 59));  // even over lists of 2 to 6 progressions
  score.chords.clear();
  const bool sevenths = style.sevenths;
  const bool add9 = style.add9;
  const auto body = body_sections(score);
  int64_t body_end = 0;
  for (const Section* s : body) {
    const auto& prog = progression_for(style, score.key, s->theme, pick);
    const int bars = static_cast<int>(s->length / kTicksPerBar);
    for (int bar = 0; bar < bars; ++bar) {
      const int index = (bar / style.chord_bars) % static_cast<int>(prog.size());
      const int64_t tick = s->start_tick + bar * kTicksPerBar;
      score.chords.push_back({tick, kTicksPerBar, diatonic_chord(score.key, prog[static_cast<size_t>(index)], sevenths, add9)});
    }
    body_end = s->start_tick + s->length;
  }
  // Cadence: the last bar is the dominant; before it a predominant (ii in jazz, IV elsewhere), when there is room.
  const size_t n = score.chords.size();
  if (n >= 1) score.chords[n - 1].chord = diatonic_chord(score.key, 4, sevenths || style.id == "jazz", false, true);
  if (n >= 3 && !score.loop) score.chords[n - 2].chord = diatonic_chord(score.key, style.id == "jazz" ? 1 : 3, sevenths, add9);
  // The ending (or, for a very short piece, all of it) rests on the tonic.
  if (!score.loop) {
    const int64_t end = score.sections.back().start_tick + score.sections.back().length;
    score.chords.push_back({body_end, std::max<int64_t>(end - body_end, 1), diatonic_chord(score.key, 0, sevenths, add9)});
  }
  // Merge equal neighbours so held chords are not re-struck needlessly by pads.
  std::vector<ChordSpan> merged;
  for (const auto& span : score.chords) {
    if (!merged.empty() && merged.back().chord.tones == span.chord.tones && style.chord_bars > 1) {
      merged.back().length += span.length;
    } else {
      merged.push_back(span);
    }
  }
  score.chords = std::move(merged);
}

std::vector<const Section*> body_sections(const Score& score) {
  std::vector<const Section*> out;
  for (const auto& s : score.sections)
    if (s.name != "ending") out.push_back(&s);
  return out;
}

std::vector<Section> performed_sections(const Score& score) {
  std::vector<Section> out;
  const auto body = body_sections(score);
  for (size_t i = 0; i < body.size(); ++i) {
    const Section& s = *body[i];
    const int bars = static_cast<int>(s.length / kTicksPerBar);
    if (s.name != "intro" || i + 1 >= body.size() || bars < 1) {
      out.push_back(s);
      continue;
    }
    const double to = std::max(s.energy, body[i + 1]->energy);
    for (int b = 0; b < bars; ++b) {
      Section bar = s;
      bar.start_tick = s.start_tick + b * kTicksPerBar;
      bar.length = kTicksPerBar;
      bar.energy = s.energy + (to - s.energy) * static_cast<double>(b + 1) / bars;
      if (b + 1 == bars) bar.name = "lead-in";
      out.push_back(bar);
    }
  }
  return out;
}

bool plays_in(const PartPreset& preset, const Section& section) { return section.energy + 1e-9 >= preset.min_energy; }

double touch_for(double energy) { return 0.72 + 0.4 * energy; }

int velocity_for(int base, double energy) { return std::clamp(static_cast<int>(std::lround(base * touch_for(energy))), 1, 127); }

}  // namespace bgm::compose_detail
