#pragma once
// Rates per key (a token, a client's address, a client id) as token buckets: `per_window` calls a window at most,
// refilled smoothly, so no burst at a window's edge lets twice the rate through (a fixed window per minute let 600
// calls pass in 3 s). Memory is bounded: full buckets are forgotten when the table grows.
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
  // Takes one call for `key`; false when its bucket is empty (the call is over the rate).
  bool allow(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  void prune(std::chrono::steady_clock::time_point now);

  double capacity_, per_ms_;
  size_t max_keys_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace bgm
