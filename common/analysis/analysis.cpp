#include "analysis/analysis.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <tuple>
#include <nlohmann/json.hpp>

#include "analysis/cut_detector.h"
#include "core/json_read.h"

namespace bgm {
namespace {

// Means of a per-frame value over consecutive intervals.
// At most one bin per interval of the longest recording: what a file claims cannot decide the memory used.
constexpr size_t kMaxCurveBins = static_cast<size_t>(kMaxDurationS / kCurveIntervalS) + 4;

template <typename Get>
std::vector<float> curve(const VideoFeatures& f, Get get) {
  const double d = std::isfinite(f.duration_s) ? std::clamp(f.duration_s, 0.0, kMaxDurationS + 2.0) : 0.0;
  const auto bins = std::min(kMaxCurveBins, static_cast<size_t>(std::max(1.0, std::ceil(d / kCurveIntervalS))));
  std::vector<double> sum(bins, 0);
  std::vector<int> count(bins, 0);
  for (const auto& fr : f.frames) {
    if (!std::isfinite(fr.t)) continue;
    const auto b = std::min(bins - 1, static_cast<size_t>(std::clamp(fr.t, 0.0, d) / kCurveIntervalS));
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

// Each picture's change from the one before, as it would be one frame (1/fps) after it, fitted within its shot
// (the pictures between two of `cuts`, ascending); measured per 1/30 s by the caller.
std::vector<float> one_frame_change(const std::vector<FrameFeature>& frames, double fps, const std::vector<double>& cuts) {
  constexpr double kFitWindowS = 1.0;
  const double frame_s = 1.0 / fps;
  const size_t n = frames.size();
  std::vector<double> gap(n, 1.0);  // in frames
  for (size_t i = 1; i < n; ++i) gap[i] = std::max(0.5, (frames[i].t - frames[i - 1].t) / frame_s);
  std::vector<size_t> shot(n, 0);
  for (size_t i = 0, c = 0; i < n; ++i) {
    while (c < cuts.size() && cuts[c] <= frames[i].t + 0.5 * frame_s) ++c;
    shot[i] = c;
  }
  // Sliding sums over the pictures of the shot within kFitWindowS (a cut's own picture, its change set to 0, left out).
  double sx = 0, sy = 0, sxx = 0, sxy = 0, count = 0;
  auto add = [&](size_t j, double sign) {
    if (frames[j].diff <= 0) return;
    const double x = gap[j], y = frames[j].diff;
    sx += sign * x, sy += sign * y, sxx += sign * x * x, sxy += sign * x * y, count += sign;
  };
  std::vector<float> out(n, 0.0f);
  size_t lo = 0, hi = 0;
  for (size_t i = 0; i < n; ++i) {
    while (hi < n && shot[hi] == shot[i] && frames[hi].t <= frames[i].t + kFitWindowS) add(hi++, 1);
    while (lo < i && (shot[lo] != shot[i] || frames[lo].t < frames[i].t - kFitWindowS)) add(lo++, -1);
    const double x = gap[i], y = frames[i].diff;
    if (y <= 0 || count < 1) continue;
    const double mx = sx / count, my = sy / count, var = sxx / count - mx * mx;
    double slope = my / std::max(mx, 1e-9), offset = 0;  // in proportion
    if (var > 0.05) {  // gaps that differ: the line through them
      const double b = (sxy / count - mx * my) / var;
      if (b >= 0 && my - b * mx >= 0) slope = b, offset = my - b * mx;
      else if (b < 0) slope = 0, offset = my;  // the change does not grow with the gap: noise
    }
    const double at_gap = offset + slope * x, at_one = offset + slope;
    out[i] = static_cast<float>(at_gap > 1e-9 ? y * at_one / at_gap : y / x);
  }
  return out;
}

}  // namespace

VideoAnalysis analysis_from_features(const VideoFeatures& input, std::string source) {
  VideoFeatures f = input;
  f.fps = sane_fps(f.fps);
  if (!std::isfinite(f.duration_s) || f.duration_s < 0) f.duration_s = 0;
  std::erase_if(f.frames, [](const FrameFeature& fr) { return !std::isfinite(fr.t); });
  VideoAnalysis a;
  a.source = std::move(source);
  a.duration_s = f.duration_s;
  a.fps = f.fps;
  a.width = f.width;
  a.height = f.height;
  a.truncated = f.truncated;
  a.decoding = f.decoding;
  a.cuts = detect_cuts(f.frames, f.fps);
  // Motion: the picture's change with the cuts themselves left out (the first picture seen at or after each),
  // scaled so that lively footage (a handheld walk, a game) is near 1.
  VideoFeatures steady = f;
  const double half_frame = 0.5 / f.fps;
  for (double cut : a.cuts) {
    const auto at = std::lower_bound(steady.frames.begin(), steady.frames.end(), cut - half_frame,
                                     [](const FrameFeature& x, double t) { return x.t < t; });
    if (at != steady.frames.end()) at->diff = 0;
  }
  // The change between pictures grows with the time between them, but not in proportion: smooth motion does,
  // grain and flicker change each frame whatever the gap. Per picture, one frame's change is estimated from the
  // pictures within a second: a line through their changes against their gaps (pictures left undecoded, a
  // variable frame rate and the OBS filter's ~10 pictures a second give gaps of several frames), read at one frame.
  // Where every gap is the same, in proportion to the gap.
  const std::vector<float> one_frame = one_frame_change(steady.frames, f.fps, a.cuts);
  for (size_t i = 0; i < steady.frames.size(); ++i) steady.frames[i].diff = one_frame[i];
  const double per_30fps_frame = f.fps / 30.0;
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
  nlohmann::json out = {
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
  if (a.recording) out["recording"] = {{"size_bytes", a.recording->size_bytes}, {"mtime_ns", a.recording->mtime_ns}};
  return out;
}

namespace {

// Reading one document, strictly: every number is checked for its type, its range and that it is finite.
class AnalysisReader {
 public:
  explicit AnalysisReader(const nlohmann::json& j) : j_(j) {}

  Result<VideoAnalysis> read() {
    if (!j_.is_object() || !j_.contains("format") || j_["format"] != "obs-bgm-analysis") return bad("it is not an obs-bgm analysis");
    const auto& v = j_.contains("version") ? j_["version"] : nlohmann::json();
    if (!v.is_number_integer() || v.get<long long>() < 1) return bad("version must be a whole number from 1");
    if (v.get<long long>() > kAnalysisFormatVersion) {
      return bad("it has format version " + std::to_string(v.get<long long>()) + "; update obs-bgm to read it");
    }
    VideoAnalysis a;
    if (!text("source", a.source) || !text("origin", a.origin)) return error_;
    if (!j_.contains("duration_s") || !number(j_["duration_s"], 1e-3, kMaxDurationS * 10, a.duration_s)) {
      return bad("duration_s must be a positive number of seconds");
    }
    if (j_.contains("video")) {
      const auto& video = j_["video"];
      if (!video.is_object()) return bad("video must be an object");
      double w = 0, h = 0;
      if ((video.contains("width") && !number(video["width"], 0, 16384, w)) || (video.contains("height") && !number(video["height"], 0, 16384, h)) ||
          (video.contains("fps") && !number(video["fps"], 0, 1000, a.fps))) {
        return bad("video width and height must be 0 to 16384 and fps 0 to 1000");
      }
      a.width = static_cast<int>(w), a.height = static_cast<int>(h);
    }
    if (j_.contains("truncated")) {
      if (!j_["truncated"].is_boolean()) return bad("truncated must be true or false");
      a.truncated = j_["truncated"].get<bool>();
    }
    if (!times("cuts", a.duration_s, a.cuts)) return bad("a cut lies outside the recording (cuts: a list of times from 0 to duration_s)");
    if (!times("scene_switches", a.duration_s, a.scene_switches)) return bad("a scene switch lies outside the recording (scene_switches: a list of times from 0 to duration_s)");
    if (j_.contains("curves")) {
      const auto& c = j_["curves"];
      double interval = kCurveIntervalS;
      if (!c.is_object() || (c.contains("interval_s") && !number(c["interval_s"], 0, 10, interval)) || interval != kCurveIntervalS) {
        return bad("curves must be sampled every 0.5 s");
      }
      const size_t most = static_cast<size_t>(std::ceil(a.duration_s / kCurveIntervalS)) + 2;
      for (auto [key, vec, lo] : {std::tuple{"motion", &a.motion, 0.0}, std::tuple{"brightness", &a.brightness, 0.0},
                                  std::tuple{"warmth", &a.warmth, -1.0}, std::tuple{"saturation", &a.saturation, 0.0}}) {
        if (c.contains(key) && !curve(c[key], lo, most, *vec)) return bad(std::string("curves.") + key + " must be a list of numbers, one per 0.5 s");
      }
    }
    if (j_.contains("mood")) {
      const auto& m = j_["mood"];
      if (!m.is_object()) return bad("mood must be an object");
      MoodEstimate& o = a.mood;
      for (auto [key, out, lo, hi] : {std::tuple{"brightness", &o.brightness, 0.0, 1.0}, std::tuple{"warmth", &o.warmth, -1.0, 1.0},
                                      std::tuple{"saturation", &o.saturation, 0.0, 1.0}, std::tuple{"motion", &o.motion, 0.0, 1.0},
                                      std::tuple{"cuts_per_minute", &o.cuts_per_minute, 0.0, 100000.0},
                                      std::tuple{"valence", &o.valence, -1.0, 1.0}, std::tuple{"energy", &o.energy, 0.0, 1.0}}) {
        if (m.contains(key) && !number(m[key], lo, hi, *out)) return bad(std::string("mood.") + key + " is out of range");
      }
    }
    if (j_.contains("recording")) {
      const auto& r = j_["recording"];
      if (!r.is_object() || !r.contains("size_bytes") || !r["size_bytes"].is_number_unsigned() || !r.contains("mtime_ns") ||
          !r["mtime_ns"].is_number_integer()) {
        return bad("recording must hold size_bytes and mtime_ns as whole numbers");
      }
      a.recording = RecordingIdentity{r["size_bytes"].get<std::uint64_t>(), r["mtime_ns"].get<std::int64_t>()};
    }
    return a;
  }

 private:
  Error bad(const std::string& why) {
    error_ = make_error(ErrorCode::kInvalidArgument, "The analysis file is not usable: " + why + ".");
    return error_;
  }
  bool text(const char* key, std::string& out) {
    if (!j_.contains(key)) return true;
    if (!j_[key].is_string()) return bad(std::string(key) + " must be text"), false;
    out = j_[key].get<std::string>();
    return true;
  }
  static bool number(const nlohmann::json& v, double lo, double hi, double& out) {
    if (!v.is_number()) return false;
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) return false;
    out = x;
    return true;
  }
  bool times(const char* key, double duration, std::vector<double>& out) const {
    if (!j_.contains(key)) return true;
    const auto& list = j_[key];
    if (!list.is_array() || list.size() > static_cast<size_t>(duration / 0.05) + 2) return false;  // at most one per 1/20 s
    for (const auto& t : list) {
      double v = 0;
      if (!number(t, 0, duration, v)) return false;
      out.push_back(v);
    }
    std::sort(out.begin(), out.end());
    return true;
  }
  // Values outside the curve's range are clamped to it (the reader's own writer never produces them).
  static bool curve(const nlohmann::json& list, double lo, size_t most, std::vector<float>& out) {
    if (!list.is_array() || list.size() > most) return false;
    for (const auto& x : list) {
      if (!x.is_number() || !std::isfinite(x.get<double>())) return false;
      out.push_back(static_cast<float>(std::clamp(x.get<double>(), lo, 1.0)));
    }
    return true;
  }

  const nlohmann::json& j_;
  Error error_;
};

}  // namespace

Result<VideoAnalysis> analysis_from_json(const nlohmann::json& j) {
  try {
    return AnalysisReader(j).read();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, std::string("The analysis file is not usable: ") + e.what() + ".");
  }
}

Result<VideoAnalysis> read_analysis_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) return make_error(ErrorCode::kNotFound, "Cannot read the analysis file " + path.string() + ".");
  if (size > kMaxAnalysisFileBytes) {
    return make_error(ErrorCode::kInvalidArgument, "The analysis file " + path.string() + " is " + std::to_string(size >> 20) +
                                                       " MB; an analysis is at most " + std::to_string(kMaxAnalysisFileBytes >> 20) +
                                                       " MB. It is not one obs-bgm wrote.");
  }
  auto doc = read_json_file(path, "The analysis file " + path.string(), {kMaxAnalysisFileBytes, 64});
  if (!doc) return doc.error();
  return analysis_from_json(*doc);
}

std::optional<RecordingIdentity> recording_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return RecordingIdentity{static_cast<std::uint64_t>(st.st_size),
                           static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

Status fit_analysis_to_recording(VideoAnalysis& a, const std::filesystem::path& recording, double length_s) {
  if (a.recording && a.recording != recording_identity(recording)) {
    return make_error(ErrorCode::kInvalidArgument, "The analysis was written for another recording (" + recording.string() +
                                                       " has changed since: its size or time differs). Score without it.");
  }
  if (!(length_s > 0)) return make_error(ErrorCode::kInvalidArgument, "The length of " + recording.string() + " is unknown.");
  if (a.origin != "obs-filter" && std::abs(a.duration_s - length_s) > 1.0) {
    char msg[160];
    std::snprintf(msg, sizeof msg, " is %.1f s long, but the analysis describes %.1f s: it belongs to another recording.", length_s, a.duration_s);
    return make_error(ErrorCode::kInvalidArgument, recording.string() + msg);
  }
  a.duration_s = length_s;
  for (auto* times : {&a.cuts, &a.scene_switches}) std::erase_if(*times, [&](double t) { return t > length_s; });
  const size_t bins = static_cast<size_t>(std::ceil(length_s / kCurveIntervalS));
  for (auto* c : {&a.motion, &a.brightness, &a.warmth, &a.saturation})
    if (c->size() > bins) c->resize(std::max<size_t>(bins, 1));
  return {};
}

VideoAnalysis slice_analysis(const VideoAnalysis& a, double start_s, double end_s) {
  VideoAnalysis out = a;
  start_s = std::clamp(start_s, 0.0, a.duration_s);
  end_s = std::clamp(end_s, start_s, a.duration_s);
  out.duration_s = end_s - start_s;
  for (auto* times : {&out.cuts, &out.scene_switches}) {
    std::vector<double> kept;
    for (double t : *times)
      if (t > start_s && t < end_s) kept.push_back(t - start_s);
    *times = std::move(kept);
  }
  const auto first = static_cast<size_t>(std::floor(start_s / kCurveIntervalS));
  const auto last = static_cast<size_t>(std::ceil(end_s / kCurveIntervalS));
  for (auto* c : {&out.motion, &out.brightness, &out.warmth, &out.saturation}) {
    const size_t a0 = std::min(first, c->size()), b0 = std::min(last, c->size());
    *c = std::vector<float>(c->begin() + static_cast<std::ptrdiff_t>(a0), c->begin() + static_cast<std::ptrdiff_t>(b0));
  }
  return out;
}

}  // namespace bgm
