#include "compose/drum_plan.h"

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

bool is_time_keeper(const std::string& drum) { return drum == "hat" || drum == "ride" || drum == "shaker" || drum == "pedal"; }

}  // namespace

const Groove& groove_of(const StylePreset& style) {
  static const Groove kPlain = {{"kick", "x.......x......."}, {"snare", "....x.......x..."}, {"hat", "x.x.x.x.x.x.x.x."}};
  return style.groove.empty() ? kPlain : style.groove;
}

bool moves_in_sixteenths(const StylePreset& style) {
  if (style.swing_unit == 16) return true;
  for (const auto& [drum, steps] : groove_of(style))
    for (size_t i = 1; i < steps.size(); i += 2)
      if (steps[i] != '.') return true;
  return false;
}

DrumPlan plan_drums(const StylePreset& style, const PartPreset& preset, const Rng& part_rng) {
  DrumPlan plan;
  plan.preset = &preset;
  plan.rng = part_rng.fork("groove");
  plan.grooves = vary_groove(groove_of(style), moves_in_sixteenths(style), plan.rng);
  return plan;
}

bool step_sounds(const std::string& drum, char mark, int step, double energy, bool light) {
  if (mark != 'X' && mark != 'x' && mark != 'o') return false;
  if (light && !is_time_keeper(drum) && drum != "kick") return false;
  if (light && drum == "kick" && step % 8 != 0) return false;
  if (energy < 0.2 && is_time_keeper(drum) && step % 4 != 0) return false;
  // Ghost notes rest with the backbeat (lo-fi keeps them at 0.24: they fill the swung gap).
  return !(mark == 'o' && energy < 0.2);
}

bool light_section(const Section& section) { return section.energy < 0.2; }

std::bitset<16> kick_in_bar(const DrumPlan& plan, const Section& section, int bar_index) {
  std::bitset<16> kick;
  if (!plan.preset || !plays_in(*plan.preset, section)) return kick;
  if (section.name == "build") return kick.set(0).set(4).set(8).set(12);
  const Groove& groove = bar_index % 2 == 0 ? plan.grooves.main : plan.grooves.answer;
  const auto line = groove.find("kick");
  if (line == groove.end()) return kick;
  for (int i = 0; i < 16 && i < static_cast<int>(line->second.size()); ++i)
    kick[static_cast<size_t>(i)] = step_sounds("kick", line->second[static_cast<size_t>(i)], i, section.energy, light_section(section));
  return kick;
}

}  // namespace bgm::compose_detail
