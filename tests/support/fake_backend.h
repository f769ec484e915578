#pragma once
// A scripted Backend for the tests of what sits above backends (the job runner, the plugin's controller): it
// reports the stages and transcript lines it is given, fails with the error it is given (a remote one too:
// network, auth, quota, rate), throws on request, or blocks until opened or cancelled, in milliseconds instead
// of real renders.
// Thread: run() on the runner's worker; open() and the waits from the test's thread.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "backend/backend.h"

namespace bgm::test {

struct FakeScript {
  std::vector<std::pair<Stage, double>> stages;  // reported in order (a negative fraction: indeterminate)
  std::vector<TranscriptLine> lines;
  std::optional<Error> error;                    // the job fails with it after the stages
  bool gate = true;                              // block until open() (or cancel) before finishing
};

class FakeBackend : public Backend {
 public:
  explicit FakeBackend(FakeScript script = {}) : script_(std::move(script)) {}

  Result<BackendStatus> status(const JobRequest&, const CancelToken*) override { return BackendStatus{"fake", std::nullopt, {}}; }

  // Prompts "throw" and "bad_alloc" throw; otherwise the script runs.
  Result<JobResult> run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) override {
    if (job.prompt == "throw") throw std::runtime_error("boom");
    if (job.prompt == "bad_alloc") throw std::bad_alloc();
    for (const auto& [stage, fraction] : script_.stages)
      if (events.progress) events.progress(stage, fraction);
    for (const auto& line : script_.lines)
      if (events.transcript) events.transcript(line);
    {
      std::unique_lock lock(m_);
      ++started_;
      cv_.notify_all();
      if (script_.gate) cv_.wait(lock, [&] { return open_ || cancel->cancelled(); });
    }
    if (cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (script_.error) return *script_.error;
    return JobResult{job.input.value_or("text.m4a"), "lofi", "Lo-fi", 2, false, {}, {}};
  }

  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    cv_.notify_all();
  }
  void wait_started(int n) {
    std::unique_lock lock(m_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return started_ >= n; });
  }

 private:
  FakeScript script_;
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
  int started_ = 0;
};

}  // namespace bgm::test
