#pragma once
// What the OBS analyzer filter gathers while recording: features of small pictures read back from the GPU (at
// most ~10 a second) and the frontend's scene switches, each timed from the recording's start. When recording
// stops it becomes the analysis the score command reads (<recording>.bgm.json, origin "obs-filter"), so scoring
// needs no second pass over the video.
// Thread: every function may be called from any thread (the graphics thread adds pictures, the UI thread adds
// scene switches, starts and finishes); add_picture never blocks on file or network work.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "analysis/analysis.h"
#include "analysis/feature_tracker.h"

namespace bgm {

class LiveAnalysis {
 public:
  // A new recording: forgets what was gathered and starts gathering.
  void start();
  bool active() const;
  // A kThumbWidth x kThumbHeight BGRA picture shown `t` seconds into the recording, from a source of this size.
  void add_picture(double t, const std::uint8_t* bgra, size_t stride, int source_width, int source_height);
  void add_scene_switch(double t);
  // What was gathered over one recording.
  struct Capture {
    VideoFeatures features;
    std::vector<double> scene_switches;
  };
  // Stops gathering and hands over what was gathered (cheap: call it from the event that ends the recording, so
  // a recording that starts at once begins afresh).
  Capture stop();
  // Stops gathering. The analysis of a recording `duration_s` long, or nullopt when no picture was seen.
  std::optional<VideoAnalysis> finish(double duration_s, const std::string& source);

 private:
  mutable std::mutex mutex_;
  bool active_ = false;
  FeatureTracker tracker_;
  VideoFeatures features_;
  std::vector<double> switches_;
};

// The analysis of a capture (any thread: the work of building it). nullopt when fewer than two pictures were seen.
std::optional<VideoAnalysis> analysis_from_capture(LiveAnalysis::Capture capture, double duration_s, const std::string& source);

// Writes an analysis as JSON (temporary name, then renamed). Errors: kIo.
Status write_analysis_file(const VideoAnalysis& analysis, const std::filesystem::path& path);

}  // namespace bgm
