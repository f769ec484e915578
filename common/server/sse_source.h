#pragma once
// A chat turn's events as the body of its answer: what the worker pushed, written as it comes, a heartbeat
// comment after each quiet `heartbeat`, and the end when the turn closed its channel.
// Thread: as httpd::BodySource (the connection's thread; the channel wakes it from the worker).

#include <chrono>
#include <functional>
#include <memory>

#include "httpd/http_types.h"
#include "server/event_channel.h"

namespace bgm {

class SseSource : public httpd::BodySource {
 public:
  // `finished` runs once, when the stream has written its last event or is dropped.
  SseSource(std::shared_ptr<EventChannel> channel, std::chrono::milliseconds heartbeat, std::function<void()> finished);
  ~SseSource() override;
  Pull pull(std::string& out) override;
  void on_ready(std::function<void()> wake) override { channel_->on_ready(std::move(wake)); }
  std::chrono::milliseconds wait_limit() const override { return heartbeat_; }

 private:
  std::shared_ptr<EventChannel> channel_;
  std::chrono::milliseconds heartbeat_;
  std::function<void()> finished_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace bgm
