#include "server/rate_limiter.h"

#include <algorithm>

namespace bgm {

RateLimiter::RateLimiter(double per_window, std::chrono::milliseconds window, size_t max_keys)
    : limit_(std::max(1.0, per_window)), window_(std::max(window, std::chrono::milliseconds(1))), max_keys_(max_keys) {}

bool RateLimiter::allow(const std::string& key) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const int64_t window = now / window_.count();
  const double into = static_cast<double>(now % window_.count()) / static_cast<double>(window_.count());
  std::lock_guard lock(mutex_);
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    if (keys_.size() >= max_keys_) prune(window);
    it = keys_.emplace(key, Counts{window, 0, 0}).first;
  }
  Counts& c = it->second;
  if (c.window != window) {
    c.previous = c.window == window - 1 ? c.current : 0;
    c.current = 0;
    c.window = window;
  }
  // The calls of the last full window's length: all of this one's, and the part of the last one still inside it.
  if (c.previous * (1.0 - into) + c.current + 1.0 > limit_) return false;
  c.current += 1.0;
  return true;
}

void RateLimiter::prune(int64_t window) {
  for (auto it = keys_.begin(); it != keys_.end();) it = it->second.window < window - 1 ? keys_.erase(it) : std::next(it);
  // Still full of busy keys: half of them go (they start afresh when they come back).
  if (keys_.size() >= max_keys_) {
    auto it = keys_.begin();
    for (size_t i = 0; i < max_keys_ / 2 && it != keys_.end(); ++i) it = keys_.erase(it);
  }
}

}  // namespace bgm
