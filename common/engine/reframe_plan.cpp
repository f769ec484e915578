#include "engine/reframe_plan.h"

#include <algorithm>
#include <cmath>

namespace bgm {
namespace {

using Columns = std::array<float, kThumbWidth>;

// A column's activity above the frame's own noise (grain and compression flicker touch every column alike).
Columns above_noise(const Columns& c) {
  Columns sorted = c;
  std::nth_element(sorted.begin(), sorted.begin() + kThumbWidth / 2, sorted.end());
  const float floor = sorted[kThumbWidth / 2];
  Columns out;
  for (int i = 0; i < kThumbWidth; ++i) out[i] = std::max(0.0f, c[i] - floor);
  return out;
}

double total(const Columns& c) {
  double sum = 0;
  for (float v : c) sum += v;
  return sum;
}

double centroid(const Columns& c) {
  double sum = 0, weighted = 0;
  for (int i = 0; i < kThumbWidth; ++i) sum += c[i], weighted += c[i] * (i + 0.5) / kThumbWidth;
  return sum > 0 ? weighted / sum : 0.5;
}

double inside(const Columns& c, double centre, double window) {
  const double left = centre - window / 2, right = centre + window / 2;
  double sum = 0;
  for (int i = 0; i < kThumbWidth; ++i) {
    const double a = static_cast<double>(i) / kThumbWidth, b = static_cast<double>(i + 1) / kThumbWidth;
    const double overlap = std::max(0.0, std::min(b, right) - std::max(a, left)) * kThumbWidth;
    sum += c[i] * overlap;
  }
  return sum;
}

ReframeShot whole_shot(double start, double end) {
  ReframeShot shot;
  shot.start = start;
  shot.end = end;
  return shot;
}

ReframeShot plan_shot(double start, double end, const std::vector<const ActivitySample*>& samples, double window, const ReframeSettings& s) {
  ReframeShot shot = whole_shot(start, end);
  if (samples.empty() || window >= 0.999) return shot;
  std::vector<Columns> cols;
  double sum = 0;
  for (const auto* a : samples) {
    cols.push_back(above_noise(a->columns));
    sum += total(cols.back());
  }
  if (sum / static_cast<double>(cols.size()) < s.min_activity) return shot;  // nothing moves: the whole frame
  // The aim: where the action is, smoothed over about a second (activity-weighted), held where nothing moves.
  const double half = window / 2;
  std::vector<double> aim(cols.size());
  double last = centroid(cols[0]);
  for (size_t i = 0; i < cols.size(); ++i) {
    double w = 0, c = 0;
    for (size_t j = i >= 2 ? i - 2 : 0; j < std::min(cols.size(), i + 3); ++j) {
      const double a = total(cols[j]);
      w += a, c += a * centroid(cols[j]);
    }
    if (w > s.min_activity * 0.25) last = c / w;
    aim[i] = std::clamp(last, half, 1 - half);
  }
  // A camera operator: holds inside the dead zone, eases toward the aim, never faster than max_speed.
  double x = aim[0], v = 0, t = start;
  double covered = 0;
  shot.path.push_back({start, x});
  for (size_t i = 0; i < cols.size(); ++i) {
    const double ti = std::max(samples[i]->t, t);
    const double dt = ti - t;
    const double error = aim[i] - x, dead = s.dead_zone * window;
    const double want = std::fabs(error) > dead ? std::clamp((error - std::copysign(dead, error)) * s.follow, -s.max_speed, s.max_speed) : 0.0;
    v += std::clamp(want - v, -s.max_accel * dt, s.max_accel * dt);
    x = std::clamp(x + v * dt, half, 1 - half);
    t = ti;
    shot.path.push_back({t, x});
    covered += inside(cols[i], x, window);
  }
  shot.coverage = sum > 0 ? covered / sum : 0;
  shot.crop = shot.coverage >= s.min_coverage;
  if (!shot.crop) shot.path.clear();
  return shot;
}

}  // namespace

std::optional<double> ReframePlan::crop_left_at(double t) const {
  for (const auto& shot : shots) {
    if (t < shot.start || t >= shot.end) continue;
    if (!shot.crop || shot.path.empty()) return std::nullopt;
    auto next = std::lower_bound(shot.path.begin(), shot.path.end(), t, [](const ReframePoint& p, double v) { return p.t < v; });
    double centre = 0;
    if (next == shot.path.begin()) centre = next->centre;
    else if (next == shot.path.end()) centre = shot.path.back().centre;
    else {
      const auto prev = next - 1;
      const double span = next->t - prev->t;
      centre = span > 0 ? prev->centre + (next->centre - prev->centre) * (t - prev->t) / span : next->centre;
    }
    return std::clamp(centre - window / 2, 0.0, 1 - window);
  }
  return std::nullopt;
}

double crop_window(int source_width, int source_height, int target_width, int target_height) {
  if (source_width <= 0 || source_height <= 0 || target_width <= 0 || target_height <= 0) return 1;
  const double source_aspect = static_cast<double>(source_width) / source_height;
  const double target_aspect = static_cast<double>(target_width) / target_height;
  return std::min(1.0, target_aspect / source_aspect);
}

ReframePlan plan_reframe(Reframe mode, double window, double duration, const std::vector<double>& cuts, const ColumnActivity& activity,
                         const ReframeSettings& settings) {
  ReframePlan plan;
  plan.window = window;
  std::vector<double> bounds{0};
  for (double c : cuts)
    if (c > bounds.back() + 0.1 && c < duration - 0.1) bounds.push_back(c);
  bounds.push_back(duration);
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    std::vector<const ActivitySample*> samples;
    for (const auto& s : activity.samples)
      if (s.t >= bounds[i] && s.t < bounds[i + 1]) samples.push_back(&s);
    // The first sample of a shot measures the change across the cut itself: not the shot's action.
    if (!samples.empty() && samples.front()->t - bounds[i] < kActivityIntervalS * 1.5 && i > 0) samples.erase(samples.begin());
    plan.shots.push_back(mode == Reframe::kCrop ? plan_shot(bounds[i], bounds[i + 1], samples, window, settings)
                                                : whole_shot(bounds[i], bounds[i + 1]));
  }
  return plan;
}

}  // namespace bgm
