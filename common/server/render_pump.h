#pragma once
// The box's render workers: each claims the next render from the database (server/job_store.h), runs it, and
// claims again; idle ones wait to be woken (a render admitted on this box, or a NOTIFY from another box's
// PostgreSQL listener) or for the next look at the queue. A keeper renews this box's leases, cancels a render
// whose lease another box took over, and puts back what dead boxes left.
// Thread: start and stop from the server's controlling thread; wake from any thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/cancel.h"
#include "server/engine_slots.h"
#include "server/job_store.h"

namespace bgm {

class PgListener;

struct PumpOptions {
  int workers = 1;
  std::chrono::milliseconds renew_every{20000};  // a third of the lease
  std::chrono::milliseconds look_every{20000};   // at the queue, when nothing wakes a worker
  std::string listen_spec;                       // PostgreSQL: its NOTIFY wakes idle workers ("" for SQLite)
  EngineSlots* slots = nullptr;                  // shared with the box's chat turns: a worker claims only with one
};

class RenderPump {
 public:
  // Runs a claimed render to its end (JobStore::finish), or returns early when `cancel` is set.
  using Run = std::function<void(RenderRecord render, const CancelToken* cancel)>;
  using Log = std::function<void(const std::string& line)>;

  RenderPump(JobStore& jobs, PumpOptions options, Run run, Log log);
  ~RenderPump();  // stop()

  void start();
  void wake();
  // Cancels running renders and joins; they go back to the queue (JobStore::requeue_mine). Idempotent.
  void stop();

 private:
  void work();
  void keep();
  bool wait_for_work(std::unique_lock<std::mutex>& lock, uint64_t seen);

  JobStore& jobs_;
  PumpOptions options_;
  Run run_;
  Log log_;
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;
  bool stopping_ = false;
  std::map<std::string, std::shared_ptr<CancelToken>> running_;
  std::vector<std::thread> threads_;
};

}  // namespace bgm
