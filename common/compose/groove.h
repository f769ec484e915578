#pragma once
// Internal to compose/: a seed's own take on a style's drum groove. The style gives one bar (drum name -> 16
// sixteenth steps, 'X' accent, 'x' normal, 'o' ghost); a seed varies it the way a drummer would, keeping its
// anchors (the downbeat kick, the backbeat, the time-keeper's pulse), and writes it as a two-bar pattern: the
// main bar and its answer (one more change), so no bar simply repeats the one before.
// Thread: plain functions of their arguments; any thread.

#include <map>
#include <string>

#include "core/rng.h"

namespace bgm::compose_detail {

using Groove = std::map<std::string, std::string>;  // drum name -> 16 steps

struct GroovePair {
  Groove main;
  Groove answer;
};

// The seed's main bar and answer bar for a style's groove. `sixteenths`: the style moves in sixteenths (pickups
// on the off-sixteenths fit it).
GroovePair vary_groove(const Groove& groove, bool sixteenths, Rng& rng);

// Jazz comping: one or two snare accents on off-beat eighths of a bar, different bar to bar, added to `bar`.
void comp_snare(Groove& bar, Rng& rng);

}  // namespace bgm::compose_detail
