#include "jobs/job_runner.h"

namespace bgm {

const char* job_state_id(JobState state) {
  switch (state) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
    case JobState::kCancelled: return "cancelled";
  }
  return "failed";
}

JobRunner::JobRunner(std::shared_ptr<Backend> backend, Listener listener)
    : backend_(std::move(backend)), listener_(std::move(listener)), worker_([this] { work(); }) {}

JobRunner::~JobRunner() { shutdown(); }

std::uint64_t JobRunner::submit(JobRequest request) {
  JobSnapshot snapshot;
  {
    std::lock_guard lock(mutex_);
    auto job = std::make_unique<Job>();
    job->snapshot.id = next_id_++;
    job->snapshot.request = std::move(request);
    snapshot = job->snapshot;
    if (stopping_) job->snapshot.state = snapshot.state = JobState::kCancelled;
    else queue_.push_back(snapshot.id);
    jobs_[snapshot.id] = std::move(job);
  }
  wake_.notify_one();
  if (listener_) listener_(snapshot);
  return snapshot.id;
}

bool JobRunner::cancel(std::uint64_t id) {
  std::optional<JobSnapshot> changed;
  {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return false;
    Job& job = *it->second;
    if (job.snapshot.state == JobState::kQueued) {
      std::erase(queue_, id);
      job.snapshot.state = JobState::kCancelled;
      changed = job.snapshot;
    } else if (job.snapshot.state == JobState::kRunning) {
      job.cancel.request_cancel();  // the worker reports the end
    } else {
      return false;
    }
  }
  if (changed && listener_) listener_(*changed);
  return true;
}

std::optional<JobSnapshot> JobRunner::get(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second->snapshot;
}

std::vector<JobSnapshot> JobRunner::list() const {
  std::lock_guard lock(mutex_);
  std::vector<JobSnapshot> out;
  for (const auto& [id, job] : jobs_) out.push_back(job->snapshot);
  return out;
}

void JobRunner::shutdown() {
  std::vector<std::uint64_t> queued;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
    queued.assign(queue_.begin(), queue_.end());
    for (auto& [id, job] : jobs_) job->cancel.request_cancel();
  }
  for (auto id : queued) cancel(id);
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void JobRunner::update(std::uint64_t id, const std::function<void(JobSnapshot&)>& change) {
  JobSnapshot snapshot;
  {
    std::lock_guard lock(mutex_);
    JobSnapshot& s = jobs_.at(id)->snapshot;
    change(s);
    snapshot = s;
  }
  if (listener_) listener_(snapshot);
}

void JobRunner::work() {
  for (;;) {
    std::uint64_t id = 0;
    JobRequest request;
    const CancelToken* cancel = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      id = queue_.front();
      queue_.pop_front();
      Job& job = *jobs_.at(id);
      request = job.snapshot.request;
      cancel = &job.cancel;
    }
    update(id, [](JobSnapshot& s) { s.state = JobState::kRunning; });
    JobEvents events;
    events.progress = [&](Stage stage, double fraction) {
      update(id, [&](JobSnapshot& s) { s.stage = stage, s.fraction = fraction; });
    };
    events.transcript = [&](const TranscriptLine& line) {
      update(id, [&](JobSnapshot& s) { s.transcript.push_back(line); });
    };
    auto result = backend_->run(request, events, cancel);
    update(id, [&](JobSnapshot& s) {
      if (result) {
        s.state = JobState::kDone;
        s.stage = Stage::kDone;
        s.fraction = 1;
        s.result = *result;
      } else if (result.error().code == ErrorCode::kCancelled) {
        s.state = JobState::kCancelled;
      } else {
        s.state = JobState::kFailed;
        s.error = result.error();
      }
    });
  }
}

}  // namespace bgm
