#include "analysis/cut_detector.h"

#include <algorithm>
#include <cmath>

namespace bgm {

std::vector<double> detect_cuts(const std::vector<FrameFeature>& frames, double claimed_fps, const CutSettings& s) {
  const double fps = sane_fps(claimed_fps);
  std::vector<double> cuts;
  const auto n = static_cast<long>(frames.size());
  const long w = std::max<long>(3, std::lround(s.window_s * fps));
  const long gap = std::max<long>(1, std::lround(s.min_gap_s * fps));
  std::vector<float> around;
  std::vector<long> candidates;
  for (long i = 1; i < n; ++i) {
    const FrameFeature& f = frames[static_cast<size_t>(i)];
    if (f.diff < s.min_diff || f.hist_diff < s.min_hist_diff) continue;
    // The neighbourhood's typical change, leaving out this frame and its immediate neighbours.
    around.clear();
    for (long j = std::max<long>(1, i - w); j <= std::min(n - 1, i + w); ++j)
      if (std::labs(j - i) > 1) around.push_back(frames[static_cast<size_t>(j)].diff);
    float typical = 0;
    if (!around.empty()) {
      std::nth_element(around.begin(), around.begin() + static_cast<long>(around.size() / 2), around.end());
      typical = around[around.size() / 2];
    }
    if (f.diff < s.contrast * typical + 0.01f) continue;
    candidates.push_back(i);
  }
  // Within `gap` frames keep the strongest change. Candidates are in frame order, so only neighbours closer than
  // `gap` are compared (linear in the candidates, whatever the footage).
  for (size_t k = 0; k < candidates.size(); ++k) {
    const long i = candidates[k];
    const float di = frames[static_cast<size_t>(i)].diff;
    bool strongest = true;
    for (size_t m = k; m-- > 0 && i - candidates[m] < gap && strongest;) {
      if (frames[static_cast<size_t>(candidates[m])].diff >= di) strongest = false;  // earlier wins a tie
    }
    for (size_t m = k + 1; m < candidates.size() && candidates[m] - i < gap && strongest; ++m) {
      if (frames[static_cast<size_t>(candidates[m])].diff > di) strongest = false;
    }
    if (strongest) cuts.push_back(frames[static_cast<size_t>(i)].t);
  }
  return cuts;
}

}  // namespace bgm
