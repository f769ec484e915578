#pragma once
// The local engine as a backend: offline, free, in-process. Scores a file with score_recording() (using the
// analysis the OBS filter wrote beside it, <file>.bgm.json, when there is one) or generates from text alone.
// With a sessions folder, every result starts a session (kept across restarts) that later jobs continue: a
// follow-up goes to the music agent and the changed timeline is rendered as a new version.
// Thread: see Backend. One LocalBackend may run one job at a time.

#include <memory>

#include "backend/backend.h"

namespace bgm {

struct AdoptedResult;

struct LocalOptions {
  // Where results' sessions are kept, so they can be refined ("make it calmer") and exported; empty: no sessions.
  std::filesystem::path sessions_dir;
};

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(LocalOptions options = {});
  ~LocalBackend() override;
  Result<BackendStatus> status(const JobRequest& typical, const CancelToken* cancel) override;
  Result<JobResult> run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) override;

 private:
  struct Sessions;
  Sessions* sessions(std::string& error);  // opened at first use, on the worker
  Result<JobResult> continue_session(const JobRequest& job, const JobEvents& events, const CancelToken* cancel);
  void keep_session(const JobRequest& job, const AdoptedResult& made, JobResult& result);

  LocalOptions options_;
  std::unique_ptr<Sessions> sessions_;
};

// Where the OBS filter writes the analysis of a recording: "<recording>.bgm.json".
std::filesystem::path analysis_path_for(const std::filesystem::path& recording);

}  // namespace bgm
