#pragma once
// Rates per key (a token, a client's address, a client id) as sliding windows: a call counts while it is less than
// a window old, estimated from this window's count and the last one's, weighted by how much of it still overlaps
// (so no burst at a window's edge lets twice the rate through, as a fixed window per minute did: 600 calls in 3 s).
// Memory is bounded: two counters per key, keys idle for two windows forgotten when the table grows.
// Thread: every member may be called from any thread.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace bgm {

class RateLimiter {
 public:
  RateLimiter(double per_window, std::chrono::milliseconds window, size_t max_keys = 100000);
  // Counts one call for `key`; false (and not counted) when the last window already holds `per_window` calls.
  bool allow(const std::string& key);

 private:
  struct Counts {
    int64_t window = 0;  // which window `current` counts (time / window length)
    double previous = 0, current = 0;
  };
  void prune(int64_t window);

  double limit_;
  std::chrono::milliseconds window_;
  size_t max_keys_;
  std::mutex mutex_;
  std::map<std::string, Counts> keys_;
};

}  // namespace bgm
