#include "analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/cut_detector.h"

namespace bgm {
namespace {

// Means of a per-frame value over consecutive intervals.
template <typename Get>
std::vector<float> curve(const VideoFeatures& f, Get get) {
  const auto bins = static_cast<size_t>(std::max(1.0, std::ceil(f.duration_s / kCurveIntervalS)));
  std::vector<double> sum(bins, 0);
  std::vector<int> count(bins, 0);
  for (const auto& fr : f.frames) {
    const auto b = std::min(bins - 1, static_cast<size_t>(std::max(0.0, fr.t) / kCurveIntervalS));
    sum[b] += get(fr);
    ++count[b];
  }
  std::vector<float> out(bins, 0.0f);
  for (size_t b = 0; b < bins; ++b) {
    if (count[b]) out[b] = static_cast<float>(sum[b] / count[b]);
    else if (b > 0) out[b] = out[b - 1];
  }
  return out;
}

// The analysis keeps the precision its JSON form keeps, so music scored from a written analysis is the music
// scored from the decoded video, bit for bit.
double q3(double x) { return std::round(x * 1000.0) / 1000.0; }

void quantise(std::vector<float>& v) {
  for (float& x : v) x = static_cast<float>(q3(x));
}

double mean(const std::vector<float>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (float x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

VideoAnalysis analysis_from_features(const VideoFeatures& f, std::string source) {
  VideoAnalysis a;
  a.source = std::move(source);
  a.duration_s = f.duration_s;
  a.fps = f.fps;
  a.width = f.width;
  a.height = f.height;
  a.truncated = f.truncated;
  a.cuts = detect_cuts(f.frames, f.fps);
  // Motion: the picture's change per frame with the cuts themselves left out, scaled so that lively footage
  // (a handheld walk, a game) is near 1.
  VideoFeatures steady = f;
  const double half_frame = 0.5 / f.fps;
  for (auto& fr : steady.frames) {
    const auto next = std::upper_bound(a.cuts.begin(), a.cuts.end(), fr.t - half_frame);  // cuts are sorted
    if (next != a.cuts.end() && *next < fr.t + half_frame) fr.diff = 0;
  }
  // The change between frames grows with the time between them: measured per 1/30 s, so a 60 fps recording and
  // the OBS filter's ~10 pictures a second read the same motion as 30 fps.
  const double per_30fps_frame = f.fps > 0 ? f.fps / 30.0 : 1.0;
  a.motion = curve(steady, [&](const FrameFeature& x) { return std::min(1.0, x.diff * per_30fps_frame * 25.0); });
  a.brightness = curve(f, [](const FrameFeature& x) { return x.luma; });
  a.warmth = curve(f, [](const FrameFeature& x) { return std::clamp((x.cr - x.cb) * 4.0, -1.0, 1.0); });
  a.saturation = curve(f, [](const FrameFeature& x) { return std::min(1.0, x.saturation * 4.0); });

  for (auto* c : {&a.motion, &a.brightness, &a.warmth, &a.saturation}) quantise(*c);
  a.duration_s = q3(a.duration_s);
  a.fps = q3(a.fps);
  for (double& c : a.cuts) c = q3(c);
  MoodEstimate& m = a.mood;
  m.brightness = q3(mean(a.brightness));
  m.warmth = q3(mean(a.warmth));
  m.saturation = q3(mean(a.saturation));
  m.motion = q3(mean(a.motion));
  m.cuts_per_minute = q3(a.duration_s > 0 ? static_cast<double>(a.cuts.size()) / a.duration_s * 60.0 : 0);
  // Bright, warm, colourful pictures read as positive; dark, cool, grey ones as sombre. Motion and cutting pace
  // drive the energy.
  m.valence = std::clamp(1.4 * (m.brightness - 0.45) + 0.5 * m.warmth + 0.6 * (m.saturation - 0.2), -1.0, 1.0);
  m.energy = std::clamp(0.15 + 0.55 * m.motion + 0.3 * std::min(1.0, m.cuts_per_minute / 30.0), 0.0, 1.0);
  m.valence = q3(m.valence);
  m.energy = q3(m.energy);
  return a;
}

Result<VideoAnalysis> analyse_video(const std::filesystem::path& path, const FeatureOptions& options,
                                    const CancelToken* cancel, const ProgressFn& progress) {
  auto features = extract_video_features(path, options, cancel, progress);
  if (!features) return features.error();
  return analysis_from_features(*features, path.string());
}

nlohmann::json analysis_to_json(const VideoAnalysis& a) {
  auto round3 = [](double x) { return std::round(x * 1000.0) / 1000.0; };
  auto curve_json = [&](const std::vector<float>& v) {
    nlohmann::json out = nlohmann::json::array();
    for (float x : v) out.push_back(round3(x));
    return out;
  };
  nlohmann::json cuts = nlohmann::json::array(), switches = nlohmann::json::array();
  for (double c : a.cuts) cuts.push_back(round3(c));
  for (double c : a.scene_switches) switches.push_back(round3(c));
  return {
      {"format", "obs-bgm-analysis"},
      {"version", kAnalysisFormatVersion},
      {"source", a.source},
      {"origin", a.origin},
      {"duration_s", round3(a.duration_s)},
      {"video", {{"width", a.width}, {"height", a.height}, {"fps", round3(a.fps)}}},
      {"truncated", a.truncated},
      {"cuts", cuts},
      {"scene_switches", switches},
      {"curves", {{"interval_s", kCurveIntervalS}, {"motion", curve_json(a.motion)}, {"brightness", curve_json(a.brightness)},
                  {"warmth", curve_json(a.warmth)}, {"saturation", curve_json(a.saturation)}}},
      {"mood", {{"brightness", round3(a.mood.brightness)}, {"warmth", round3(a.mood.warmth)}, {"saturation", round3(a.mood.saturation)},
                {"motion", round3(a.mood.motion)}, {"cuts_per_minute", round3(a.mood.cuts_per_minute)},
                {"valence", round3(a.mood.valence)}, {"energy", round3(a.mood.energy)}}},
  };
}

Result<VideoAnalysis> analysis_from_json(const nlohmann::json& j) {
  auto bad = [](const std::string& why) {
    return make_error(ErrorCode::kInvalidArgument, "The analysis file is not usable: " + why + ".");
  };
  try {
    if (!j.is_object() || j.value("format", std::string()) != "obs-bgm-analysis") return bad("it is not an obs-bgm analysis");
    const int version = j.at("version").get<int>();
    if (version > kAnalysisFormatVersion) return bad("it has format version " + std::to_string(version) + "; update obs-bgm to read it");
    VideoAnalysis a;
    a.source = j.value("source", std::string());
    a.origin = j.value("origin", std::string("decoder"));
    a.duration_s = j.at("duration_s").get<double>();
    if (!std::isfinite(a.duration_s) || a.duration_s <= 0) return bad("duration_s must be a positive number");
    if (j.contains("video")) {
      a.width = j["video"].value("width", 0);
      a.height = j["video"].value("height", 0);
      a.fps = j["video"].value("fps", 0.0);
    }
    a.truncated = j.value("truncated", false);
    auto times = [&](const char* key, std::vector<double>& out) -> bool {
      if (!j.contains(key)) return true;
      for (const auto& t : j.at(key)) {
        const double v = t.get<double>();
        if (!std::isfinite(v) || v < 0 || v > a.duration_s) return false;
        out.push_back(v);
      }
      std::sort(out.begin(), out.end());
      return true;
    };
    if (!times("cuts", a.cuts)) return bad("a cut lies outside the recording");
    if (!times("scene_switches", a.scene_switches)) return bad("a scene switch lies outside the recording");
    if (j.contains("curves")) {
      const auto& c = j["curves"];
      if (c.value("interval_s", kCurveIntervalS) != kCurveIntervalS) return bad("curves must be sampled every 0.5 s");
      for (auto [key, vec] : {std::pair{"motion", &a.motion}, std::pair{"brightness", &a.brightness},
                              std::pair{"warmth", &a.warmth}, std::pair{"saturation", &a.saturation}}) {
        if (c.contains(key)) *vec = c[key].get<std::vector<float>>();
      }
    }
    if (j.contains("mood")) {
      const auto& m = j["mood"];
      a.mood.brightness = m.value("brightness", 0.5);
      a.mood.warmth = m.value("warmth", 0.0);
      a.mood.saturation = m.value("saturation", 0.0);
      a.mood.motion = m.value("motion", 0.0);
      a.mood.cuts_per_minute = m.value("cuts_per_minute", 0.0);
      a.mood.valence = m.value("valence", 0.0);
      a.mood.energy = m.value("energy", 0.5);
    }
    return a;
  } catch (const std::exception& e) {
    return bad(e.what());
  }
}

Result<VideoAnalysis> read_analysis_file(const std::filesystem::path& path) {
  std::ifstream f(path);
  if (!f) return make_error(ErrorCode::kNotFound, "Cannot read the analysis file " + path.string() + ".");
  try {
    return analysis_from_json(nlohmann::json::parse(f));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "The analysis file " + path.string() + " is not valid JSON: " + e.what());
  }
}

}  // namespace bgm
