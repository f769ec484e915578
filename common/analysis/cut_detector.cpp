#include "analysis/cut_detector.h"

#include <algorithm>
#include <cmath>

namespace bgm {
namespace {

// The middle value (reorders `v`); 0 for none.
double median(std::vector<float>& v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

std::vector<double> detect_cuts(const std::vector<FrameFeature>& frames, double claimed_fps, const CutSettings& s) {
  // The windows are times: the pictures may be every frame, every other, or irregular (some left undecoded).
  const double frame_s = 1.0 / sane_fps(claimed_fps);
  const double reach = std::max(s.window_s, 3 * frame_s) + 1e-6;
  const double gap = std::max(s.min_gap_s, frame_s) - 1e-6;
  std::vector<double> cuts;
  const auto n = static_cast<long>(frames.size());
  // Change per second of each picture from the one before: the pictures may be irregular (a variable frame rate,
  // pictures left undecoded), and a fade or a pan changes the picture in proportion to the time between them,
  // while a cut changes it all at once.
  std::vector<float> rate(frames.size(), 0.0f);
  auto gap_before = [&](long i) { return std::max(i > 0 ? frames[static_cast<size_t>(i)].t - frames[static_cast<size_t>(i - 1)].t : frame_s, 0.5 * frame_s); };
  for (long i = 0; i < n; ++i) rate[static_cast<size_t>(i)] = static_cast<float>(frames[static_cast<size_t>(i)].diff / gap_before(i));
  std::vector<float> around, before, after;
  std::vector<long> candidates;
  long lo = 1, hi = 1;  // the neighbourhood [lo, hi) of picture i
  for (long i = 1; i < n; ++i) {
    const FrameFeature& f = frames[static_cast<size_t>(i)];
    while (lo < i && frames[static_cast<size_t>(lo)].t < f.t - reach) ++lo;
    while (hi < n && frames[static_cast<size_t>(hi)].t <= f.t + reach) ++hi;
    if (f.diff < s.min_diff || f.hist_diff < s.min_hist_diff) continue;
    // The neighbourhood's typical change per second, leaving out this picture and its immediate neighbours. A cut
    // stands out from one frame's worth of it (as when every picture is decoded).
    around.clear();
    for (long j = lo; j < hi; ++j)
      if (std::labs(j - i) > 1) around.push_back(rate[static_cast<size_t>(j)]);
    if (f.diff < s.contrast * median(around) * frame_s + 0.01) continue;
    // Across pictures left out, the faster side's change over the gap: the end of a fade out and the start of a
    // fade in two frames apart differ more than one frame's change, and are not a cut.
    const double since = gap_before(i);
    if (since > 1.5 * frame_s) {
      before.clear(), after.clear();
      for (long j = lo; j < hi; ++j) {
        if (j < i) before.push_back(rate[static_cast<size_t>(j)]);
        else if (j > i) after.push_back(rate[static_cast<size_t>(j)]);
      }
      if (f.diff < s.gap_contrast * std::max(median(before), median(after)) * since + 0.01) continue;
    }
    candidates.push_back(i);
  }
  // Within `gap` keep the strongest change. Candidates are in time order, so only neighbours closer than `gap`
  // are compared (linear in the candidates, whatever the footage).
  auto t_of = [&](long i) { return frames[static_cast<size_t>(i)].t; };
  for (size_t k = 0; k < candidates.size(); ++k) {
    const long i = candidates[k];
    const float di = frames[static_cast<size_t>(i)].diff;
    bool strongest = true;
    for (size_t m = k; m-- > 0 && t_of(i) - t_of(candidates[m]) < gap && strongest;) {
      if (frames[static_cast<size_t>(candidates[m])].diff >= di) strongest = false;  // earlier wins a tie
    }
    for (size_t m = k + 1; m < candidates.size() && t_of(candidates[m]) - t_of(i) < gap && strongest; ++m) {
      if (frames[static_cast<size_t>(candidates[m])].diff > di) strongest = false;
    }
    if (strongest) cuts.push_back(t_of(i));
  }
  return cuts;
}

}  // namespace bgm
