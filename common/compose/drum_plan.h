#pragma once
// Internal to compose/: the drums of a piece before a note of them is written. The drummer plays the plan
// (drums.cpp) and the bass reads its kick from it (bass.cpp), so the two lock bar by bar whatever the seed made of
// the groove, and the bass does not change when a refinement takes the drums out.
// Thread: plain values and functions; any thread.

#include <bitset>
#include <string>

#include "compose/groove.h"
#include "compose/score.h"
#include "core/rng.h"
#include "spec/style_catalog.h"

namespace bgm::compose_detail {

// The style's groove; a style without drums of its own that is asked for them gets a plain backbeat.
const Groove& groove_of(const StylePreset& style);
// Whether the style moves in sixteenths (swung sixteenths, or a groove with hits between the eighths).
bool moves_in_sixteenths(const StylePreset& style);

struct DrumPlan {
  const PartPreset* preset = nullptr;  // the drum part's preset (the spec's, which outlives the composition)
  GroovePair grooves;                  // the seed's main bar and its answer
  Rng rng{0};                          // the drummer's stream after the grooves were drawn (the comping snare's)
};

// The plan drawn from the drum part's own random stream (`part_rng`, of which it takes the fork "groove").
DrumPlan plan_drums(const StylePreset& style, const PartPreset& preset, const Rng& part_rng);

// Whether step `step` (0..15) of `drum`'s line, marked `mark` ('X', 'x' or 'o'), sounds in a bar of `energy`.
// `light`: a quiet section, which keeps the pulse (the kick on 1 and 3, the time-keeper) and drops the rest.
bool step_sounds(const std::string& drum, char mark, int step, double energy, bool light);
// Whether a section is played light (see step_sounds).
bool light_section(const Section& section);

// The kick of bar `bar_index` (counted from the section's start) of a performed section, one flag per sixteenth:
// the main bar and its answer in turn, a build's four on the floor, nothing where the drums rest.
std::bitset<16> kick_in_bar(const DrumPlan& plan, const Section& section, int bar_index);

}  // namespace bgm::compose_detail
