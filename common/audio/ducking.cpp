#include "audio/ducking.h"

#include <algorithm>
#include <cmath>

#include "audio/loudness.h"

namespace bgm {

void apply_ducking(const std::vector<AudioBuffer*>& buffers, const std::vector<TimeSpan>& speech, const DuckSettings& s) {
  if (buffers.empty() || speech.empty() || s.depth_db <= 0) return;
  const int rate = buffers.front()->sample_rate;
  const auto frames = static_cast<long>(buffers.front()->frames());
  const double floor = db_to_gain(-s.depth_db);
  // Spans whose ramps would meet are one duck: the music does not bob up between close sentences.
  std::vector<TimeSpan> spans(speech.begin(), speech.end());
  std::sort(spans.begin(), spans.end(), [](const TimeSpan& a, const TimeSpan& b) { return a.start < b.start; });
  std::vector<TimeSpan> merged;
  for (const auto& sp : spans) {
    if (!merged.empty() && sp.start - s.attack_s <= merged.back().end + s.release_s) merged.back().end = std::max(merged.back().end, sp.end);
    else merged.push_back(sp);
  }
  auto ramp = [&](double x) { return 0.5 - 0.5 * std::cos(M_PI * std::clamp(x, 0.0, 1.0)); };  // 0..1
  for (const auto& sp : merged) {
    const long from = std::max(0L, std::lround((sp.start - s.attack_s) * rate));
    const long to = std::min(frames, std::lround((sp.end + s.release_s) * rate));
    for (long i = from; i < to; ++i) {
      const double t = static_cast<double>(i) / rate;
      double depth = 1.0;  // how far down, 0..1
      if (t < sp.start) depth = ramp((t - (sp.start - s.attack_s)) / s.attack_s);
      else if (t > sp.end) depth = 1.0 - ramp((t - sp.end) / s.release_s);
      const auto g = static_cast<float>(1.0 - depth * (1.0 - floor));
      for (AudioBuffer* b : buffers) {
        b->left[static_cast<size_t>(i)] *= g;
        b->right[static_cast<size_t>(i)] *= g;
      }
    }
  }
}

}  // namespace bgm
