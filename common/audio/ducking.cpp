#include "audio/ducking.h"

#include <algorithm>
#include <cmath>

#include "audio/loudness.h"

namespace bgm {

DuckingCurve::DuckingCurve(const std::vector<TimeSpan>& speech, const DuckSettings& s, int sample_rate)
    : settings_(s), rate_(sample_rate), floor_(db_to_gain(-s.depth_db)) {
  if (s.depth_db <= 0) return;
  // Spans whose ramps would meet are one duck: the music does not bob up between close sentences.
  std::vector<TimeSpan> sorted(speech.begin(), speech.end());
  std::sort(sorted.begin(), sorted.end(), [](const TimeSpan& a, const TimeSpan& b) { return a.start < b.start; });
  for (const auto& sp : sorted) {
    if (!spans_.empty() && sp.start - s.attack_s <= spans_.back().end + s.release_s) spans_.back().end = std::max(spans_.back().end, sp.end);
    else spans_.push_back(sp);
  }
}

void DuckingCurve::gains(size_t first, float* out, size_t count) const {
  std::fill(out, out + count, 1.0f);
  const DuckSettings& s = settings_;
  const double t0 = static_cast<double>(first) / rate_;
  const double t1 = static_cast<double>(first + count) / rate_;
  auto ramp = [](double x) { return 0.5 - 0.5 * std::cos(M_PI * std::clamp(x, 0.0, 1.0)); };  // 0..1
  // The first span whose release reaches this chunk.
  auto it = std::lower_bound(spans_.begin(), spans_.end(), t0, [&](const TimeSpan& sp, double t) { return sp.end + s.release_s < t; });
  for (; it != spans_.end() && it->start - s.attack_s < t1; ++it) {
    const TimeSpan& sp = *it;
    const long from = std::max(static_cast<long>(first), std::lround((sp.start - s.attack_s) * rate_));
    const long to = std::min(static_cast<long>(first + count), std::lround((sp.end + s.release_s) * rate_));
    for (long i = from; i < to; ++i) {
      const double t = static_cast<double>(i) / rate_;
      double depth = 1.0;  // how far down, 0..1
      if (t < sp.start) depth = ramp((t - (sp.start - s.attack_s)) / s.attack_s);
      else if (t > sp.end) depth = 1.0 - ramp((t - sp.end) / s.release_s);
      out[static_cast<size_t>(i) - first] = static_cast<float>(1.0 - depth * (1.0 - floor_));
    }
  }
}

}  // namespace bgm
