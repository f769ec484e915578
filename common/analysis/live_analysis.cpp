#include "analysis/live_analysis.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace bgm {

void LiveAnalysis::start() {
  std::lock_guard lock(mutex_);
  active_ = true;
  tracker_ = FeatureTracker{};
  features_ = VideoFeatures{};
  switches_.clear();
}

bool LiveAnalysis::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

void LiveAnalysis::add_picture(double t, const std::uint8_t* bgra, size_t stride, int source_width, int source_height) {
  std::lock_guard lock(mutex_);
  if (!active_ || t < 0 || (!features_.frames.empty() && t <= features_.frames.back().t)) return;
  features_.frames.push_back(tracker_.next_bgra(t, bgra, stride));
  features_.width = source_width;
  features_.height = source_height;
}

void LiveAnalysis::add_scene_switch(double t) {
  std::lock_guard lock(mutex_);
  if (active_ && t > 0) switches_.push_back(t);
}

std::optional<VideoAnalysis> LiveAnalysis::finish(double duration_s, const std::string& source) {
  std::lock_guard lock(mutex_);
  active_ = false;
  if (features_.frames.size() < 2) return std::nullopt;
  VideoFeatures f = std::move(features_);
  features_ = VideoFeatures{};
  const double span = f.frames.back().t - f.frames.front().t;
  f.fps = span > 0 ? static_cast<double>(f.frames.size() - 1) / span : 10.0;
  f.duration_s = duration_s > 0 ? duration_s : f.frames.back().t + 1.0 / f.fps;
  VideoAnalysis a = analysis_from_features(f, source);
  a.origin = "obs-filter";
  for (double s : switches_)
    if (s < a.duration_s) a.scene_switches.push_back(std::round(s * 1000.0) / 1000.0);
  std::sort(a.scene_switches.begin(), a.scene_switches.end());
  switches_.clear();
  return a;
}

Status write_analysis_file(const VideoAnalysis& analysis, const std::filesystem::path& path) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path());
    f << analysis_to_json(analysis).dump(2) << "\n";
    if (!f) return make_error(ErrorCode::kIo, "Could not write the analysis " + path.string() + ".");
  }
  return out.commit();
}

}  // namespace bgm
