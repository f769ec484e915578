#pragma once
// Changing part of a piece: "make 0:30 to 0:45 more intense". The sections under the range are composed again
// with more (or less) energy, and only the bars inside the range are taken from that version: outside it the
// score is note for note the one the same spec and seed give without the edit.
// Thread: pure functions; any thread.

#include <cstdint>
#include <vector>

#include "compose/form.h"
#include "compose/score.h"
#include "core/result.h"
#include "spec/music_spec.h"
#include "spec/style_catalog.h"

namespace bgm {

struct EnergyRange {
  double start_s = 0;
  double end_s = 0;
  double delta = 0;  // added to the energy of the sections under the range (-1..1)
};

// The tick at `seconds` on the score's tempo map (the inverse of Score::seconds_at).
int64_t tick_at_seconds(const Score& score, double seconds);

// compose_on_form, then each range applied in order. Errors: those of compose_on_form; kInvalidArgument for a
// range that is empty, not finite, or outside the piece.
Result<Score> compose_with_ranges(const MusicSpec& spec, const StylePreset& style, const FormPlan& plan,
                                  const std::vector<EnergyRange>& ranges);

}  // namespace bgm
