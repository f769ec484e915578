#pragma once
// Events of one chat turn on their way from the worker that runs it to the connection that streams them
// (Server-Sent Events in the agent framework's shape: partial text chunks, function calls and responses, then
// the final event with turnComplete).
// Thread: push from the worker, wait_and_take from the connection's thread.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bgm {

class EventChannel {
 public:
  void push(const nlohmann::json& event);
  void close();  // the turn is over: the stream ends after what is queued
  // Waits up to `wait` for events; returns them (maybe none: then a heartbeat is due) and whether the channel is
  // closed and drained.
  std::vector<std::string> wait_and_take(std::chrono::milliseconds wait, bool& finished);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  bool closed_ = false;
};

// The events of the agent-framework shape, as `data:` payloads.
nlohmann::json text_event(const std::string& invocation, const std::string& text, bool partial);
nlohmann::json call_event(const std::string& invocation, const std::string& id, const std::string& name, const nlohmann::json& args);
nlohmann::json response_event(const std::string& invocation, const std::string& id, const std::string& name,
                              const nlohmann::json& response);
// The final event of a turn that failed: the message as text, and errorCode / errorMessage.
nlohmann::json error_event(const std::string& invocation, int code, const std::string& message);

}  // namespace bgm
