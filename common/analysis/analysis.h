#pragma once
// What the music follows in a recording: its length, its cuts (and, from the OBS filter, scene switches), and
// curves of motion, brightness and colour over time, summarised into a mood (valence and energy).
// The JSON form is documented in common/analysis/FORMAT.md; `obs-bgm analyze --json` prints it and
// `obs-bgm score --analysis FILE` reads it.
// Thread: any thread; analyse_video blocks (call it from a worker) and can be cancelled from any thread.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/video_features.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"

namespace bgm {

inline constexpr double kCurveIntervalS = 0.5;
inline constexpr int kAnalysisFormatVersion = 1;

struct MoodEstimate {
  double brightness = 0.5;  // 0..1
  double warmth = 0;        // -1 cool .. +1 warm
  double saturation = 0;    // 0..1
  double motion = 0;        // 0..1, typical change per frame, scaled
  double cuts_per_minute = 0;
  double valence = 0;       // -1..1
  double energy = 0.5;      // 0..1
};

// Which recording an analysis belongs to: the file's size and modification time when the analysis was written.
struct RecordingIdentity {
  std::uint64_t size_bytes = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const RecordingIdentity&) const = default;
};
// The identity of the file at `path` now, or nullopt when it cannot be read.
std::optional<RecordingIdentity> recording_identity(const std::filesystem::path& path);

// The most an analysis file may be (a one-hour recording's analysis is about 0.2 MB).
inline constexpr std::uintmax_t kMaxAnalysisFileBytes = 8u << 20;

struct VideoAnalysis {
  std::string source;  // the analysed file, as given
  std::string origin = "decoder";  // "decoder" (obs-bgm analyze) or "obs-filter" (written live in OBS)
  std::string decoding;            // which pictures were decoded (VideoFeatures::decoding); not written to JSON
  double duration_s = 0;
  double fps = 0;
  int width = 0, height = 0;
  bool truncated = false;
  std::vector<double> cuts;             // detected shot changes, seconds
  std::vector<double> scene_switches;   // OBS scene switches (from the filter); they outrank cuts
  // Curves sampled every kCurveIntervalS from t = 0.
  std::vector<float> motion, brightness, warmth, saturation;
  MoodEstimate mood;
  std::optional<RecordingIdentity> recording;  // written by the OBS filter; absent in hand-made or older files
};

// Decodes the video and analyses it. Errors: those of extract_video_features.
Result<VideoAnalysis> analyse_video(const std::filesystem::path& path, const FeatureOptions& options,
                                    const CancelToken* cancel, const ProgressFn& progress);
// Builds the analysis from features (also used on features gathered live in OBS).
VideoAnalysis analysis_from_features(const VideoFeatures& features, std::string source);

nlohmann::json analysis_to_json(const VideoAnalysis& analysis);
// Checked, not trusted: types, ranges and finite numbers; curves clamped to their range and no longer than the
// recording; at most kMaxAnalysisFileBytes. Errors: kInvalidArgument with what is wrong in the document (missing
// field, wrong type, out of range, bad version); kNotFound (unreadable).
Result<VideoAnalysis> analysis_from_json(const nlohmann::json& json);
Result<VideoAnalysis> read_analysis_file(const std::filesystem::path& path);

// Whether `analysis` can describe the recording at `recording` whose own length is `length_s`: it must have been
// written for this file (its recorded identity, when it has one, matches), and a length measured from the file
// (origin "decoder") must agree within a second. The analysis is then fitted to `length_s` (the file's length
// wins; times past it are dropped). Errors: kInvalidArgument saying why it does not belong.
// The part of an analysis from `start_s` to `end_s`, its times counted from `start_s` (a range exported alone;
// the mood stays the whole recording's).
VideoAnalysis slice_analysis(const VideoAnalysis& analysis, double start_s, double end_s);

Status fit_analysis_to_recording(VideoAnalysis& analysis, const std::filesystem::path& recording, double length_s);

}  // namespace bgm
