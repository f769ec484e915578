#pragma once
// The form: how many bars, at what tempo, in which sections, and how the piece ends, so that the rendered
// piece is exactly the requested length and ends on a composed cadence whose sound decays inside it.
// Thread: pure functions; any thread.

#include <vector>

#include "compose/score.h"
#include "spec/music_spec.h"

namespace bgm {

struct FormPlan {
  double bpm = 100;              // the tempo actually used (loops adjust it so whole bars fill the length)
  int body_bars = 0;             // bars before the final chord
  int64_t final_chord_ticks = 0; // the held tonic chord after the body (0 for loops)
  double tail_s = 0;             // after the final chord is released: time for the sound to decay
  std::vector<Section> sections; // the body's sections, then "ending"
};

// Time left after the last note-off for releases and reverb to die away, for a piece of `duration_s`.
double ending_tail_seconds(double duration_s);

FormPlan plan_form(const MusicSpec& spec, const StylePreset& style);

}  // namespace bgm
