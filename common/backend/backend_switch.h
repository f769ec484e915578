#pragma once
// One Backend that forwards to the one chosen now (the plugin's setting: the local engine, the NemoVideo cloud, a
// render server), so the job runner keeps one backend while the user switches. A job that runs keeps the backend
// it started on to its end; the next job takes the new one.
// Thread: any; set() may run while jobs run.

#include <memory>
#include <mutex>

#include "backend/backend.h"

namespace bgm {

class BackendSwitch final : public Backend {
 public:
  void set(std::shared_ptr<Backend> backend) {
    std::lock_guard lock(mutex_);
    current_ = std::move(backend);
  }
  std::shared_ptr<Backend> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  Result<BackendStatus> status(const JobRequest& typical, const CancelToken* cancel) override {
    auto b = current();
    if (!b) return make_error(ErrorCode::kInternal, "No backend is chosen.");
    return b->status(typical, cancel);
  }
  Result<JobResult> run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) override {
    auto b = current();
    if (!b) return make_error(ErrorCode::kInternal, "No backend is chosen.");
    return b->run(job, events, cancel);
  }
  Result<std::vector<JobResult>> deliver_pending(const JobEvents& events, const CancelToken* cancel) override {
    auto b = current();
    if (!b) return std::vector<JobResult>{};
    return b->deliver_pending(events, cancel);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<Backend> current_;
};

}  // namespace bgm
