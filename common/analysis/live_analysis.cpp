#include "analysis/live_analysis.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/json_text.h"

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

LiveAnalysis::Capture LiveAnalysis::stop() {
  std::lock_guard lock(mutex_);
  active_ = false;
  Capture c{std::move(features_), std::move(switches_)};
  features_ = VideoFeatures{};
  switches_.clear();
  return c;
}

std::optional<VideoAnalysis> LiveAnalysis::finish(double duration_s, const std::string& source) {
  return analysis_from_capture(stop(), duration_s, source);
}

std::optional<VideoAnalysis> analysis_from_capture(LiveAnalysis::Capture capture, double duration_s, const std::string& source) {
  VideoFeatures& f = capture.features;
  // Times within the longest recording only (a clock that jumped gives nothing the analysis can use).
  const auto usable = [](double t) { return std::isfinite(t) && t >= 0 && t <= kMaxDurationS + 1.0; };
  std::erase_if(f.frames, [&](const FrameFeature& fr) { return !usable(fr.t); });
  if (f.frames.size() < 2) return std::nullopt;
  std::stable_sort(f.frames.begin(), f.frames.end(), [](const FrameFeature& a, const FrameFeature& b) { return a.t < b.t; });
  const double span = f.frames.back().t - f.frames.front().t;
  f.fps = sane_fps(span > 0 ? static_cast<double>(f.frames.size() - 1) / span : 10.0);
  f.duration_s = usable(duration_s) && duration_s > 0 ? duration_s : f.frames.back().t + 1.0 / f.fps;
  VideoAnalysis a = analysis_from_features(f, source);
  a.origin = "obs-filter";
  for (double s : capture.scene_switches)
    if (usable(s) && s < a.duration_s) a.scene_switches.push_back(std::round(s * 1000.0) / 1000.0);
  std::sort(a.scene_switches.begin(), a.scene_switches.end());
  return a;
}

Status write_analysis_file(const VideoAnalysis& analysis, const std::filesystem::path& path) {
  return write_file_atomically(path, json_text(analysis_to_json(analysis)) + "\n");
}

}  // namespace bgm
