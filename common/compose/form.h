#pragma once
// The form: how many bars, at what tempo, in which sections, and how the piece ends, so that the rendered
// piece is exactly the requested length and ends on a composed cadence whose sound decays inside it.
// Thread: pure functions; any thread.

#include <cstdint>
#include <vector>

#include "compose/score.h"
#include "spec/music_spec.h"

namespace bgm {

struct FormPlan {
  double bpm = 100;              // the tempo actually used (loops adjust it so whole bars fill the length)
  std::vector<TempoChange> tempo;  // when sections have tempos of their own (scoring a video); else empty
  int body_bars = 0;             // bars before the final chord
  int64_t final_chord_ticks = 0; // the held tonic chord after the body (0 for loops)
  double tail_s = 0;             // after the final chord is released: time for the sound to decay
  std::vector<Section> sections; // the body's sections, then "ending"
};

// Time left after the last note-off for releases and reverb to die away, for a piece of `duration_s`.
double ending_tail_seconds(double duration_s);

FormPlan plan_form(const MusicSpec& spec, const StylePreset& style);

// What a video asks of the form: where sections should change (scene switches first, then cuts) and how
// intense each moment is.
struct VideoCues {
  std::vector<double> scene_switches;  // seconds; preferred section boundaries
  std::vector<double> cuts;            // seconds; boundaries where switches leave room
  std::vector<float> intensity;        // 0..1 per interval_s, from the picture's motion
  double interval_s = 0.5;
};

// A form for a video of spec.duration_s: sections start on chosen switches and cuts (each section a whole number
// of bars, its tempo within 12% of the spec's so it ends on its cut; where no tempo in that range fits, the
// boundary lands within a beat), energies follow the intensity, and the piece ends with the composed ending.
FormPlan plan_form_for_video(const MusicSpec& spec, const StylePreset& style, const VideoCues& cues);

}  // namespace bgm
