#pragma once
// Scene cuts from per-frame features: a frame whose change stands out from its neighbourhood in both picture and
// histogram. Fades (gradual change spread over frames) and camera motion (steady change) do not stand out.
// Thread: pure function; any thread.

#include <vector>

#include "analysis/video_features.h"

namespace bgm {

struct CutSettings {
  float min_diff = 0.05f;       // a cut changes the picture by at least this much (mean, 0..1)
  float contrast = 3.0f;        // ... and by this many times the neighbourhood's typical change in one frame
  float gap_contrast = 1.5f;    // ... and, across pictures left out or missing, the faster side's change over the gap
  float min_hist_diff = 0.12f;  // ... and moves the brightness histogram
  double window_s = 0.5;        // neighbourhood on each side
  double min_gap_s = 0.25;      // two cuts are at least this far apart
};

// Times of the first frame of each new shot, ascending.
std::vector<double> detect_cuts(const std::vector<FrameFeature>& frames, double fps, const CutSettings& settings = {});

}  // namespace bgm
