#pragma once
// Runs backend jobs one at a time on its own worker thread, so whoever asks (the OBS dock, a hotkey, an
// obs-websocket request) never waits. Jobs are queued (at most kMaxQueued waiting; a request for a recording
// already queued or running gets that job), report their stage and progress, can be cancelled, and keep their
// transcript, result or error until kMaxFinished newer jobs have finished. No exception escapes the worker: one
// thrown by a backend becomes the job's error. The worker runs at a lower priority (nice +10, inherited by the
// decoder's and synthesizer's threads), so the host's own threads (OBS's video, audio and encoders) come first.
// Thread: every public function may be called from any thread. The listener is called on the worker thread
// (or on the caller's, for submit and cancel of a queued job), one call at a time and for each job in order (a
// snapshot never arrives after a newer one of the same job); it must not block and must not call back into the
// runner: hand the snapshot on.

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
  std::uint64_t revision = 0;           // grows with every change of this job
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

  static constexpr size_t kMaxQueued = 32;    // jobs waiting behind the running one (a batch of recordings)
  static constexpr size_t kMaxFinished = 50;  // finished jobs kept for get() and list(); older ones are forgotten

  explicit JobRunner(std::shared_ptr<Backend> backend, Listener listener = {});
  // Cancels what runs and what waits, and joins the worker.
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues a job and returns its id (ids start at 1); for an input that a queued or running job already has, that
  // job's id. Errors: kInvalidArgument when kMaxQueued jobs are already waiting (the message says to wait).
  Result<std::uint64_t> submit(JobRequest request);
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
  void notify(const JobSnapshot& snapshot);
  void prune_finished();  // with mutex_ held
  Result<JobResult> run_guarded(const JobRequest& request, const JobEvents& events, const CancelToken* cancel);
  void update(std::uint64_t id, const std::function<void(JobSnapshot&)>& change);

  std::shared_ptr<Backend> backend_;
  Listener listener_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::uint64_t, std::unique_ptr<Job>> jobs_;
  std::deque<std::uint64_t> queue_;
  std::deque<std::uint64_t> finished_;  // oldest first
  std::mutex notify_mutex_;             // one listener call at a time, in order
  std::map<std::uint64_t, std::uint64_t> delivered_;  // the newest revision handed to the listener, per job
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace bgm
