#pragma once
// A cancellation flag shared between the thread that asks (UI, signal handler) and the worker that obeys.
// Thread: request_cancel() from any thread (async-signal-safe); cancelled() from any thread.

#include <atomic>

namespace bgm {

class CancelToken {
 public:
  void request_cancel() { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace bgm
