#include "server/sse_source.h"

namespace bgm {

SseSource::SseSource(std::shared_ptr<EventChannel> channel, std::chrono::milliseconds heartbeat, std::function<void()> finished)
    : channel_(std::move(channel)), heartbeat_(std::max(heartbeat, std::chrono::milliseconds(10))), finished_(std::move(finished)),
      last_(std::chrono::steady_clock::now()) {}

SseSource::~SseSource() {
  channel_->on_ready(nullptr);
  if (finished_) finished_();
}

httpd::BodySource::Pull SseSource::pull(std::string& out) {
  bool finished = false;
  const auto lines = channel_->take(finished);
  out.clear();
  for (const auto& l : lines) out += l;
  const auto now = std::chrono::steady_clock::now();
  if (!out.empty()) {
    last_ = now;
    return Pull::kData;
  }
  if (finished) {
    if (auto done = std::exchange(finished_, nullptr)) done();
    return Pull::kEnd;
  }
  if (now - last_ >= heartbeat_) {
    last_ = now;
    out = ": heartbeat\n\n";
    return Pull::kData;
  }
  return Pull::kWait;
}

}  // namespace bgm
