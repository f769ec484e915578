#pragma once
// How long a recording has been running, with its pauses taken out: paused time is not recording time, so a cut
// or a scene switch after a pause lands where it is in the file. Times are the caller's clock (OBS: os_gettime_ns).
// Thread: every function may be called from any thread (the UI thread starts, pauses and stops it; the graphics
// thread reads it every frame; the lock is held for a few instructions).

#include <cstdint>
#include <mutex>
#include <optional>

namespace bgm {

class RecordingClock {
 public:
  void start(std::uint64_t now_ns);
  void pause(std::uint64_t now_ns);
  void resume(std::uint64_t now_ns);
  // Stops the clock; returns how long the recording ran (pauses excluded), 0 when it was not running.
  double stop(std::uint64_t now_ns);

  // Which recording this is (changes at every start; 0 when not recording).
  std::uint64_t session() const;
  bool paused() const;
  // Seconds of recording at `now_ns`, or nullopt when not recording. While paused, the time the pause began.
  std::optional<double> seconds(std::uint64_t now_ns) const;

 private:
  double seconds_locked(std::uint64_t now_ns) const;

  mutable std::mutex mutex_;
  std::uint64_t start_ns_ = 0;
  std::uint64_t paused_total_ns_ = 0;
  std::uint64_t paused_since_ns_ = 0;  // 0: not paused
  std::uint64_t session_ = 0;
  std::uint64_t sessions_ = 0;
};

}  // namespace bgm
