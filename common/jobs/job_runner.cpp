#include "jobs/job_runner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <exception>
#include <new>

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

namespace {

bool same_input(const std::optional<std::filesystem::path>& a, const std::optional<std::filesystem::path>& b) {
  if (!a || !b) return false;
  if (*a == *b) return true;
  std::error_code ec;
  return std::filesystem::equivalent(*a, *b, ec);
}

}  // namespace

Result<std::uint64_t> JobRunner::submit(JobRequest request) {
  JobSnapshot snapshot;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : jobs_) {
      const JobState state = job->snapshot.state;
      if ((state == JobState::kQueued || state == JobState::kRunning) && same_input(job->snapshot.request.input, request.input)) return id;
    }
    if (!stopping_ && queue_.size() >= kMaxQueued) {
      return make_error(ErrorCode::kInvalidArgument, std::to_string(kMaxQueued) +
                                                         " jobs are already waiting. Wait for one to finish, or cancel one, and ask again.");
    }
    auto job = std::make_unique<Job>();
    job->snapshot.id = next_id_++;
    job->snapshot.request = std::move(request);
    if (stopping_) {
      job->snapshot.state = JobState::kCancelled;
      finished_.push_back(job->snapshot.id);
    } else {
      queue_.push_back(job->snapshot.id);
    }
    snapshot = job->snapshot;
    jobs_[snapshot.id] = std::move(job);
    prune_finished();
  }
  wake_.notify_one();
  notify(snapshot);
  return snapshot.id;
}

void JobRunner::notify(const JobSnapshot& snapshot) {
  if (!listener_) return;
  std::lock_guard lock(notify_mutex_);
  const auto seen = delivered_.find(snapshot.id);
  if (seen != delivered_.end() && snapshot.revision < seen->second) return;  // a newer one was handed on already
  delivered_[snapshot.id] = snapshot.revision;
  // Remember the newest jobs only (ids grow: the smallest are long finished and pruned).
  while (delivered_.size() > 4 * kMaxFinished) delivered_.erase(delivered_.begin());
  listener_(snapshot);
}

void JobRunner::prune_finished() {
  while (finished_.size() > kMaxFinished) {
    jobs_.erase(finished_.front());
    finished_.pop_front();
  }
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
      ++job.snapshot.revision;
      finished_.push_back(id);
      changed = job.snapshot;
    } else if (job.snapshot.state == JobState::kRunning) {
      job.cancel.request_cancel();  // the worker reports the end
    } else {
      return false;
    }
  }
  if (changed) notify(*changed);
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
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return;  // never for a running job (only finished ones are pruned)
    JobSnapshot& s = it->second->snapshot;
    const JobState before = s.state;
    change(s);
    ++s.revision;
    snapshot = s;
    if (before != s.state && (s.state == JobState::kDone || s.state == JobState::kFailed || s.state == JobState::kCancelled)) {
      finished_.push_back(id);
      prune_finished();
    }
  }
  notify(snapshot);
}

// No exception crosses the worker's edge: whatever the backend throws becomes the job's error.
Result<JobResult> JobRunner::run_guarded(const JobRequest& request, const JobEvents& events, const CancelToken* cancel) {
  try {
    return backend_->run(request, events, cancel);
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kInternal, "Ran out of memory while working on this job. Close other programs and try again.");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("Unexpected failure: ") + e.what() + ". Please report it.");
  } catch (...) {
    return make_error(ErrorCode::kInternal, "Unexpected failure. Please report it.");
  }
}

void JobRunner::work() {
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);  // this thread only; threads it starts inherit it
  for (;;) {
    std::uint64_t id = 0;
    JobRequest request;
    const CancelToken* cancel = nullptr;
    JobSnapshot started;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      id = queue_.front();
      queue_.pop_front();
      // Running from the moment it leaves the queue (in the same lock): cancel() can no longer take it for queued.
      Job& job = *jobs_.at(id);
      job.snapshot.state = JobState::kRunning;
      ++job.snapshot.revision;
      started = job.snapshot;
      request = job.snapshot.request;
      cancel = &job.cancel;
    }
    notify(started);
    JobEvents events;
    events.progress = [&](Stage stage, double fraction) {
      update(id, [&](JobSnapshot& s) { s.stage = stage, s.fraction = fraction; });
    };
    events.transcript = [&](const TranscriptLine& line) {
      update(id, [&](JobSnapshot& s) { s.transcript.push_back(line); });
    };
    auto result = run_guarded(request, events, cancel);
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
