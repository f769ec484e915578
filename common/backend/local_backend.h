#pragma once
// The local engine as a backend: offline, free, in-process. Scores a file with score_recording() (using the
// analysis the OBS filter wrote beside it, <file>.bgm.json, when there is one) or generates from text alone.
// Thread: see Backend. One LocalBackend may run one job at a time.

#include "backend/backend.h"

namespace bgm {

class LocalBackend final : public Backend {
 public:
  Result<BackendStatus> connect(const CancelToken* cancel) override;
  Result<JobResult> run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) override;
};

// Where the OBS filter writes the analysis of a recording: "<recording>.bgm.json".
std::filesystem::path analysis_path_for(const std::filesystem::path& recording);

}  // namespace bgm
