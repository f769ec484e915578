#pragma once
// A cancellation flag shared between the thread that asks (UI, signal handler) and the worker that obeys.
// Thread: request_cancel() from any thread (async-signal-safe); cancelled() from any thread.

#include <atomic>
#include <chrono>
#include <thread>

namespace bgm {

class CancelToken {
 public:
  void request_cancel() { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }
  // Waits `duration` unless cancelled first (checked every 50 ms, so request_cancel stays signal-safe).
  // Returns false when cancelled. Thread: the waiting thread.
  bool sleep_for(std::chrono::milliseconds duration) const {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (!cancelled()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= until) return true;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
    }
    return false;
  }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace bgm
