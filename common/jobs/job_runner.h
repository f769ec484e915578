#pragma once
// Runs backend jobs one at a time on its own worker thread, so whoever asks (the OBS dock, a hotkey, an
// obs-websocket request) never waits. Jobs are queued, report their stage and progress, can be cancelled, and
// keep their transcript, result or error for as long as the runner lives.
// Thread: every public function may be called from any thread. The listener is called on the worker thread
// (or on the caller's, for submit and cancel of a queued job) and must not block: hand the snapshot on.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"

namespace bgm {

enum class JobState { kQueued, kRunning, kDone, kFailed, kCancelled };
// "queued", "running", "done", "failed", "cancelled"
const char* job_state_id(JobState state);

struct JobSnapshot {
  std::uint64_t id = 0;
  JobState state = JobState::kQueued;
  JobRequest request;
  Stage stage = Stage::kUnderstanding;
  double fraction = 0;                  // within the stage
  std::vector<TranscriptLine> transcript;
  std::optional<JobResult> result;      // kDone
  std::optional<Error> error;           // kFailed
};

class JobRunner {
 public:
  using Listener = std::function<void(const JobSnapshot&)>;

  explicit JobRunner(std::shared_ptr<Backend> backend, Listener listener = {});
  // Cancels what runs and what waits, and joins the worker.
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues a job; returns its id (ids start at 1).
  std::uint64_t submit(JobRequest request);
  // Asks a queued or running job to stop. A running job stops at its next check (well within a second) and
  // leaves no half-written file. Returns false for an unknown or finished job.
  bool cancel(std::uint64_t id);
  std::optional<JobSnapshot> get(std::uint64_t id) const;
  std::vector<JobSnapshot> list() const;
  // Cancels everything and waits for the worker to finish (OBS is quitting). Idempotent.
  void shutdown();

 private:
  struct Job {
    JobSnapshot snapshot;
    CancelToken cancel;
  };
  void work();
  void update(std::uint64_t id, const std::function<void(JobSnapshot&)>& change);

  std::shared_ptr<Backend> backend_;
  Listener listener_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::uint64_t, std::unique_ptr<Job>> jobs_;
  std::deque<std::uint64_t> queue_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace bgm
