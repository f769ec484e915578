#include "analysis/pitch_track.h"

#include <algorithm>
#include <cmath>

namespace bgm {

PitchTracker::PitchTracker(int sample_rate)
    : step_(std::max(1, sample_rate / 8000)),
      rate_(static_cast<double>(sample_rate) / std::max(1, sample_rate / 8000)),
      ring_(static_cast<size_t>(rate_ * 0.03), 0.0f) {}

float PitchTracker::pitch() const {
  const size_t n = ring_.size();
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = ring_[(pos_ + i) % n];  // oldest first
  const int min_lag = static_cast<int>(rate_ / 400.0), max_lag = static_cast<int>(rate_ / 80.0);
  double best = 0;
  int best_lag = 0;
  std::vector<double> r(static_cast<size_t>(max_lag + 2), 0.0);
  for (int lag = min_lag - 1; lag <= max_lag + 1; ++lag) {
    double xy = 0, xx = 0, yy = 0;
    for (size_t i = static_cast<size_t>(lag); i < n; ++i) {
      xy += static_cast<double>(x[i]) * x[i - static_cast<size_t>(lag)];
      xx += static_cast<double>(x[i]) * x[i];
      yy += static_cast<double>(x[i - static_cast<size_t>(lag)]) * x[i - static_cast<size_t>(lag)];
    }
    r[static_cast<size_t>(lag)] = xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0.0;
    if (lag >= min_lag && lag <= max_lag && r[static_cast<size_t>(lag)] > best) best = r[static_cast<size_t>(lag)], best_lag = lag;
  }
  if (best < 0.6 || best_lag == 0) return 0.0f;
  // Between samples: the peak of the parabola through the best lag and its neighbours.
  const double a = r[static_cast<size_t>(best_lag - 1)], b = r[static_cast<size_t>(best_lag)], c = r[static_cast<size_t>(best_lag + 1)];
  const double denom = a - 2 * b + c;
  const double shift = denom < 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
  return static_cast<float>(rate_ / (best_lag + shift));
}

}  // namespace bgm
