#include "server/work_queue.h"

namespace bgm {

WorkQueue::WorkQueue(int workers, size_t max_per_owner, size_t max_total) : max_per_owner_(max_per_owner), max_total_(max_total) {
  for (int i = 0; i < std::max(1, workers); ++i) workers_.emplace_back([this] { run(); });
}

WorkQueue::~WorkQueue() { shutdown(); }

Status WorkQueue::submit(const std::string& owner, Work work) {
  std::lock_guard lock(mutex_);
  if (stopping_) return make_error(ErrorCode::kNetwork, "The server is shutting down.");
  auto& line = lines_[owner];
  if (line.size() >= max_per_owner_ || total_ >= max_total_) {
    if (line.empty()) lines_.erase(owner);
    return make_error(ErrorCode::kRateLimited, "Too much work is waiting. Wait for your earlier requests to finish, then try again.");
  }
  line.push_back(std::move(work));
  ++total_;
  cv_.notify_one();
  return {};
}

size_t WorkQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void WorkQueue::run() {
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || total_ > 0; });
      if (stopping_ && total_ == 0) return;
      // The first line after the last one served: every token gets its turn.
      auto it = lines_.upper_bound(last_owner_);
      if (it == lines_.end()) it = lines_.begin();
      last_owner_ = it->first;
      work = std::move(it->second.front());
      it->second.pop_front();
      if (it->second.empty()) lines_.erase(it);
      --total_;
    }
    try {
      work(&cancel_);  // after shutdown() the token is cancelled: waiting work answers at once
    } catch (...) {
      // Work answers its own errors; nothing may end a worker.
    }
  }
}

void WorkQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    cancel_.request_cancel();
  }
  cv_.notify_all();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

}  // namespace bgm
