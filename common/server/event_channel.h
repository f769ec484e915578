#pragma once
// Events of one chat turn on their way from the worker that runs it to the connection that streams them
// (Server-Sent Events in the agent framework's shape: partial text chunks, function calls and responses, then
// the final event with turnComplete). The connection is told when there is something to write, so a waiting
// stream holds no thread.
// Thread: push and close from the worker; take and on_ready from the connection's thread.

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bgm {

class EventChannel {
 public:
  void push(const nlohmann::json& event);
  void close();  // the turn is over: the stream ends after what is queued
  // The events queued so far (maybe none), and whether the channel is closed and drained.
  std::vector<std::string> take(bool& finished);
  // `ready` is called (from the pushing thread) after each push and at close.
  void on_ready(std::function<void()> ready);

 private:
  void notify();
  std::mutex mutex_;
  std::deque<std::string> lines_;
  bool closed_ = false;
  std::function<void()> ready_;
};

// The events of the agent-framework shape, as `data:` payloads.
nlohmann::json text_event(const std::string& invocation, const std::string& text, bool partial);
nlohmann::json call_event(const std::string& invocation, const std::string& id, const std::string& name, const nlohmann::json& args);
nlohmann::json response_event(const std::string& invocation, const std::string& id, const std::string& name,
                              const nlohmann::json& response);
// The final event of a turn that failed: the message as text, and errorCode / errorMessage.
nlohmann::json error_event(const std::string& invocation, int code, const std::string& message);

}  // namespace bgm
