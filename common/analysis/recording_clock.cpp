#include "analysis/recording_clock.h"

namespace bgm {

void RecordingClock::start(std::uint64_t now_ns) {
  std::lock_guard lock(mutex_);
  start_ns_ = now_ns;
  paused_total_ns_ = 0;
  paused_since_ns_ = 0;
  session_ = ++sessions_;
}

void RecordingClock::pause(std::uint64_t now_ns) {
  std::lock_guard lock(mutex_);
  if (session_ && !paused_since_ns_) paused_since_ns_ = now_ns > start_ns_ ? now_ns : start_ns_;
}

void RecordingClock::resume(std::uint64_t now_ns) {
  std::lock_guard lock(mutex_);
  if (!session_ || !paused_since_ns_) return;
  if (now_ns > paused_since_ns_) paused_total_ns_ += now_ns - paused_since_ns_;
  paused_since_ns_ = 0;
}

double RecordingClock::stop(std::uint64_t now_ns) {
  std::lock_guard lock(mutex_);
  const double ran = session_ ? seconds_locked(now_ns) : 0.0;
  session_ = 0;
  paused_since_ns_ = 0;
  return ran;
}

std::uint64_t RecordingClock::session() const {
  std::lock_guard lock(mutex_);
  return session_;
}

bool RecordingClock::paused() const {
  std::lock_guard lock(mutex_);
  return session_ && paused_since_ns_;
}

std::optional<double> RecordingClock::seconds(std::uint64_t now_ns) const {
  std::lock_guard lock(mutex_);
  if (!session_) return std::nullopt;
  return seconds_locked(now_ns);
}

double RecordingClock::seconds_locked(std::uint64_t now_ns) const {
  const std::uint64_t until = paused_since_ns_ ? paused_since_ns_ : now_ns;
  if (until <= start_ns_) return 0.0;
  const std::uint64_t ran = until - start_ns_;
  return ran > paused_total_ns_ ? static_cast<double>(ran - paused_total_ns_) / 1e9 : 0.0;
}

}  // namespace bgm
