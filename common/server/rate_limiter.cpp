#include "server/rate_limiter.h"

#include <algorithm>

namespace bgm {

RateLimiter::RateLimiter(double per_window, std::chrono::milliseconds window, size_t max_keys)
    : capacity_(std::max(1.0, per_window)), per_ms_(std::max(1.0, per_window) / std::max<double>(1, window.count())), max_keys_(max_keys) {}

bool RateLimiter::allow(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) prune(now);
    it = buckets_.emplace(key, Bucket{capacity_, now}).first;
  }
  Bucket& b = it->second;
  const double ms = std::chrono::duration<double, std::milli>(now - b.at).count();
  b.tokens = std::min(capacity_, b.tokens + ms * per_ms_);
  b.at = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

void RateLimiter::prune(std::chrono::steady_clock::time_point now) {
  // A bucket that would be full again is the same as no bucket.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double ms = std::chrono::duration<double, std::milli>(now - it->second.at).count();
    it = it->second.tokens + ms * per_ms_ >= capacity_ ? buckets_.erase(it) : std::next(it);
  }
  // Still full of busy keys: half of them go (they start full again when they come back).
  if (buckets_.size() >= max_keys_) {
    auto it = buckets_.begin();
    for (size_t i = 0; i < max_keys_ / 2 && it != buckets_.end(); ++i) it = buckets_.erase(it);
  }
}

}  // namespace bgm
