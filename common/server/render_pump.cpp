#include "server/render_pump.h"

#include "store/postgres.h"

namespace bgm {

RenderPump::RenderPump(JobStore& jobs, PumpOptions options, Run run, Log log)
    : jobs_(jobs), options_(std::move(options)), run_(std::move(run)), log_(std::move(log)) {}

RenderPump::~RenderPump() { stop(); }

void RenderPump::start() {
  for (int i = 0; i < std::max(1, options_.workers); ++i) threads_.emplace_back([this] { work(); });
  threads_.emplace_back([this] { keep(); });
}

void RenderPump::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  cv_.notify_all();
}

bool RenderPump::wait_for_work(std::unique_lock<std::mutex>& lock, uint64_t seen) {
  cv_.wait_for(lock, options_.look_every, [&] { return stopping_ || wakes_ != seen; });
  return !stopping_;
}

void RenderPump::work() {
  for (;;) {
    uint64_t seen = 0;  // a wake while claiming is not lost: the wait below ends at once
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen = wakes_;
    }
    std::optional<EngineSlots::Held> slot = options_.slots ? options_.slots->take() : std::nullopt;
    if (options_.slots && !slot) return;  // shutting down
    auto claimed = jobs_.claim();
    if (!claimed || !*claimed) {
      slot.reset();
      if (!claimed) log_("render queue: " + claimed.error().message);
      std::unique_lock lock(mutex_);
      if (!wait_for_work(lock, seen)) return;
      continue;
    }
    RenderRecord render = std::move(**claimed);
    auto cancel = std::make_shared<CancelToken>();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) cancel->request_cancel();
      running_[render.id] = cancel;
    }
    try {
      run_(render, cancel.get());
    } catch (...) {
      // run_ answers its own errors; nothing may end a worker.
    }
    std::lock_guard lock(mutex_);
    running_.erase(render.id);
  }
}

void RenderPump::keep() {
  std::unique_ptr<PgListener> listener;
  if (!options_.listen_spec.empty()) {
    auto opened = PgListener::open(options_.listen_spec, "obs_bgm_work");
    if (opened) listener = std::move(opened).value();
    else log_("render queue: " + opened.error().message + " (looking at the queue every " + std::to_string(options_.look_every.count() / 1000) + " s instead)");
  }
  auto last_renew = std::chrono::steady_clock::now();
  bool listener_lost = false;
  for (;;) {
    const auto step = std::min<std::chrono::milliseconds>(options_.renew_every, std::chrono::milliseconds(500));
    bool notified = false;
    if (listener) {
      auto heard = listener->wait(step);
      notified = heard && *heard;
      std::unique_lock lock(mutex_);
      if (!heard) {  // the database is away: said once, then tried again each step (not in a busy loop)
        if (!listener_lost) log_("render queue: " + heard.error().message);
        listener_lost = true;
        if (cv_.wait_for(lock, step, [&] { return stopping_; })) return;
      } else {
        listener_lost = false;
      }
      if (stopping_) return;
    } else {
      std::unique_lock lock(mutex_);
      if (cv_.wait_for(lock, step, [&] { return stopping_; })) return;
    }
    if (notified) wake();
    if (std::chrono::steady_clock::now() - last_renew < options_.renew_every) continue;
    last_renew = std::chrono::steady_clock::now();
    if (auto lost = jobs_.renew()) {
      std::lock_guard lock(mutex_);
      for (const auto& id : *lost) {
        auto it = running_.find(id);
        if (it != running_.end()) it->second->request_cancel();  // another box took it over
      }
    }
    if (auto back = jobs_.reclaim(now_ms()); back && (back->requeued || back->failed || back->turns)) {
      log_("render queue: " + std::to_string(back->requeued) + " render(s) back in the queue and " + std::to_string(back->failed) +
           " given up after their leases ran out; " + std::to_string(back->turns) + " turn(s) of a stopped server ended");
      wake();
    }
  }
}

void RenderPump::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    for (auto& [id, cancel] : running_) cancel->request_cancel();
  }
  if (options_.slots) options_.slots->shutdown();
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  (void)jobs_.requeue_mine();
}

}  // namespace bgm
