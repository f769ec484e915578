#include "analysis/feature_tracker.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bgm {

void FeatureTracker::change(const Picture& a, const Picture& b, float& diff, float& hist_diff) {
  double d = 0;
  for (size_t i = 0; i < kThumbCells; ++i) d += std::fabs(b.luma[i] - a.luma[i]);
  diff = static_cast<float>(d / kThumbCells);
  double hd = 0;
  for (size_t k = 0; k < kBins; ++k) hd += std::fabs(b.hist[k] - a.hist[k]);
  hist_diff = static_cast<float>(hd / 2);
}

FrameFeature FeatureTracker::next(double t, const float* luma, const float* u, const float* v, size_t chroma_cells) {
  FrameFeature f;
  f.t = t;
  Picture now;
  double sum = 0;
  for (size_t i = 0; i < kThumbCells; ++i) {
    sum += luma[i];
    now.luma[i] = luma[i];
    now.hist[static_cast<size_t>(std::clamp(static_cast<int>(luma[i] * kBins), 0, kBins - 1))] += 1.0f / kThumbCells;
  }
  f.luma = static_cast<float>(sum / kThumbCells);
  double cb = 0, cr = 0, sat = 0;
  for (size_t i = 0; i < chroma_cells; ++i) {
    const double du = u[i] - 0.5, dv = v[i] - 0.5;
    cb += du, cr += dv, sat += std::sqrt(du * du + dv * dv);
  }
  const auto n = static_cast<double>(std::max<size_t>(chroma_cells, 1));
  f.cb = static_cast<float>(cb / n);
  f.cr = static_cast<float>(cr / n);
  f.saturation = static_cast<float>(sat / n);
  if (have_previous_) change(previous_, now, f.diff, f.hist_diff);
  previous_ = now;
  have_previous_ = true;
  return f;
}

FrameFeature FeatureTracker::next_bgra(double t, const std::uint8_t* bgra, size_t stride) {
  std::array<float, kThumbCells> y{}, u{}, v{};
  for (int row = 0; row < kThumbHeight; ++row) {
    const std::uint8_t* p = bgra + static_cast<size_t>(row) * stride;
    for (int col = 0; col < kThumbWidth; ++col, p += 4) {
      const float b = p[0] / 255.0f, g = p[1] / 255.0f, r = p[2] / 255.0f;
      const float luma = 0.2126f * r + 0.7152f * g + 0.0722f * b;
      const size_t i = static_cast<size_t>(row) * kThumbWidth + static_cast<size_t>(col);
      y[i] = luma;
      u[i] = (b - luma) / 1.8556f + 0.5f;
      v[i] = (r - luma) / 1.5748f + 0.5f;
    }
  }
  return next(t, y.data(), u.data(), v.data(), kThumbCells);
}

}  // namespace bgm
