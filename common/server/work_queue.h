#pragma once
// The server's bounded work queue: chat turns and renders wait here for one of N workers, fair between tokens
// (each token has its own line; the workers take from the lines in turn), with a cap per token and in all.
// Thread: every member may be called from any thread. Work runs on the queue's workers.

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

class WorkQueue {
 public:
  using Work = std::function<void(const CancelToken* cancel)>;

  WorkQueue(int workers, size_t max_per_owner, size_t max_total);
  ~WorkQueue();  // shutdown()
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `work` for `owner`. Errors: kRateLimited when the owner's line or the queue is full (nothing queued).
  Status submit(const std::string& owner, Work work);
  // Cancels running work, drops waiting work (each dropped item runs with a cancelled token, so it can answer),
  // joins the workers. Idempotent.
  void shutdown();
  size_t waiting() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::deque<Work>> lines_;
  std::string last_owner_;  // round robin: the next line after this one
  size_t total_ = 0;
  size_t max_per_owner_, max_total_;
  bool stopping_ = false;
  CancelToken cancel_;
  std::vector<std::thread> workers_;
};

}  // namespace bgm
