#pragma once
// Progress reporting from a job to whoever shows it (terminal bar, OBS dock).
// Thread: the callback is invoked on the worker thread that runs the job; it must not block.

#include <functional>
#include <string_view>

namespace bgm {

enum class Stage {
  kUnderstanding,  // prompt -> music spec
  kAnalysing,      // video analysis (score command)
  kComposing,      // spec -> score
  kLoadingSounds,  // SoundFont load
  kRendering,      // FluidSynth
  kMastering,      // loudness + limiter
  kMixing,         // music under the recording's audio
  kExporting,      // encoding and muxing
  // A remote backend's stages:
  kUploading,      // sending the recording
  kWaiting,        // the server works (the agent thinks, a render runs): usually indeterminate
  kDownloading,    // fetching the result
  kDone,
};

// Stable identifier of a stage ("rendering"), for JSON and locale keys.
std::string_view stage_id(Stage stage);
// English label of a stage ("Rendering"), for the command line.
std::string_view stage_label(Stage stage);

// fraction: progress within the stage, 0..1; a negative fraction (kIndeterminate) means "working, no estimate".
inline constexpr double kIndeterminate = -1.0;
using ProgressFn = std::function<void(Stage stage, double fraction)>;

}  // namespace bgm
