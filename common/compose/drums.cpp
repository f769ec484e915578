// Drums on MIDI channel 10: the style's groove, thinned or filled with the section's energy, fills at phrase
// ends, crashes into sections, a snare roll in builds.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "compose/drum_plan.h"
#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

constexpr int64_t kStep = kTicksPerBeat / 4;  // a sixteenth

int step_velocity(char c) {
  switch (c) {
    case 'X': return 112;
    case 'x': return 92;
    case 'o': return 52;
    default: return 0;
  }
}

void groove_bar(Part& part, const Groove& groove, int64_t bar, double energy, bool light) {
  for (const auto& [drum, steps] : groove) {
    const int note = drum_note(drum);
    for (int i = 0; i < 16; ++i) {
      const char mark = steps[static_cast<size_t>(i)];
      if (!step_sounds(drum, mark, i, energy, light)) continue;
      part.notes.push_back({bar + i * kStep, kStep, note, velocity_for(step_velocity(mark), energy)});
    }
  }
  // High energy: an extra open hat or kick push at the end of the bar.
  if (energy > 0.8 && groove.count("hat") && !(groove.count("open") && groove.at("open")[14] != '.')) {
    part.notes.push_back({bar + 14 * kStep, kStep, drum_note("open"), velocity_for(70, energy)});
  }
}

void fill(Part& part, int64_t bar, double energy, int beats) {
  // Sixteenths on snare then toms down the kit over the last `beats` beats of the bar.
  const int notes[] = {38, 38, 50, 50, 47, 47, 45, 45};
  const int64_t start = bar + (4 - beats) * kTicksPerBeat;
  const int count = beats * 4;
  for (int i = 0; i < count; ++i) {
    const int note = beats == 1 ? (i < 2 ? 38 : 47 - (i - 2) * 2) : notes[i * 8 / count];
    part.notes.push_back({start + i * kStep, kStep, note, velocity_for(70 + i * 30 / count, energy)});
  }
}

void build_bar(Part& part, int64_t bar, double progress, double energy) {
  // A snare roll that tightens and swells: eighths, then sixteenths.
  const int64_t step = progress < 0.5 ? 2 * kStep : kStep;
  for (int64_t t = 0; t < kTicksPerBar; t += step) {
    const double p = progress + static_cast<double>(t) / kTicksPerBar * 0.5;
    part.notes.push_back({bar + t, step, 38, velocity_for(static_cast<int>(50 + 60 * p), energy)});
  }
  for (int b = 0; b < 4; ++b) part.notes.push_back({bar + b * kTicksPerBeat, kStep, 36, velocity_for(96, energy)});
}

}  // namespace

void write_drums(Part& part, const Score& score, const StylePreset& style, const DrumPlan& plan, Rng& rng) {
  const std::vector<Section> body = performed_sections(score);
  const PartPreset& preset = *plan.preset;
  const GroovePair& grooves = plan.grooves;
  Rng groove_rng = plan.rng;
  for (size_t si = 0; si < body.size(); ++si) {
    const Section& s = body[si];
    if (!plays_in(preset, s)) continue;
    const int bars = static_cast<int>(s.length / kTicksPerBar);
    // The intro plays the groove itself, softer (its energy rises bar by bar, see performed_sections): a pulse of
    // kick and hat alone dips between its beats, and the backbeat arriving with the tune would be a jump.
    const bool light = light_section(s);
    // A crash marks each new section once the music is under way.
    if (si > 0 && s.name != "outro" && s.name != "intro" && s.name != "lead-in" && s.energy >= 0.4) part.notes.push_back({s.start_tick, kTicksPerBeat, 49, velocity_for(84, s.energy)});
    for (int b = 0; b < bars; ++b) {
      const int64_t bar = s.start_tick + b * kTicksPerBar;
      if (s.name == "build") {
        build_bar(part, bar, static_cast<double>(b) / bars, s.energy);
        continue;
      }
      // The main bar and its answer in turn; a comping snare differs bar to bar.
      Groove groove = b % 2 == 0 ? grooves.main : grooves.answer;
      if (style.drum_comping) comp_snare(groove, groove_rng);
      groove_bar(part, groove, bar, s.energy, light);
      // (The intro's bars before its lead-in are one section played bar by bar: no fill between them.)
      const bool section_end = b + 1 == bars && si + 1 < body.size() && s.name != "intro";
      const bool loop_end = score.loop && b + 1 == bars && si + 1 == body.size();
      if (!light && s.energy >= 0.45 && (section_end || loop_end || (b % 4 == 3 && rng.chance(0.5)))) {
        // Clear the groove under the fill, then play it.
        const int beats = section_end || loop_end ? 2 : 1;
        const int64_t from = bar + (4 - beats) * kTicksPerBeat;
        std::erase_if(part.notes, [&](const Note& n) { return n.tick >= from && n.tick < bar + kTicksPerBar && n.pitch != 36 && n.pitch != 49; });
        fill(part, bar, s.energy, beats);
      }
    }
  }
}

}  // namespace bgm::compose_detail
