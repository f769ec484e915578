#pragma once
// How many engine jobs a box runs at once (--workers): chat turns and renders each hold a slot while they run, so
// together they never take more. Thread: every member may be called from any thread.

#include <condition_variable>
#include <mutex>
#include <optional>

namespace bgm {

class EngineSlots {
 public:
  explicit EngineSlots(int slots) : free_(slots > 0 ? slots : 1) {}

  // A held slot, given back when it goes.
  class Held {
   public:
    explicit Held(EngineSlots& owner) : owner_(&owner) {}
    Held(Held&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Held& operator=(Held&&) = delete;
    ~Held() {
      if (owner_) owner_->give_back();
    }

   private:
    EngineSlots* owner_;
  };

  // Waits for a free slot; nullopt once shut down.
  std::optional<Held> take() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return stopped_ || free_ > 0; });
    if (stopped_) return std::nullopt;
    --free_;
    return Held(*this);
  }
  // Every waiting take() returns nullopt, and every later one.
  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

 private:
  void give_back() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    cv_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  int free_;
  bool stopped_ = false;
};

}  // namespace bgm
