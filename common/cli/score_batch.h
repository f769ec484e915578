#pragma once
// `obs-bgm score a.mkv b.mkv c.mkv` (or a folder): every recording in turn, a line as each starts and ends, on
// past one that fails, then a table; exit 0 only when every one was scored (else the first failure's code).
// Thread: main thread.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"

namespace bgm::cli {

// The recordings the arguments name: files as given, and the media files in a folder (by name; results this tool
// wrote there, "-bgm." and preset names, are left out). Errors: kNotFound (a path that is neither), kInvalidArgument
// (a folder with nothing to score).
Result<std::vector<std::filesystem::path>> collect_inputs(const std::vector<std::string>& paths);

struct BatchItem {
  std::filesystem::path output;
  double duration_s = 0;
  std::string music;  // "Lo-fi, A minor, 92 BPM"
};

using ScoreOne = std::function<Result<BatchItem>(const std::filesystem::path& input, const ProgressFn& progress)>;

// Runs `score` on each input; prints "[2/3] b.mkv" and "  -> b-bgm.mkv (20.0 s)" or "  FAILED: why" per file and
// a table at the end (or one JSON object with every result with --json). Returns the exit code.
int run_score_batch(const std::vector<std::filesystem::path>& inputs, const ScoreOne& score, bool json, bool quiet);

}  // namespace bgm::cli
