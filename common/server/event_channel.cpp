#include "server/event_channel.h"

#include "core/json_text.h"
#include "core/random_id.h"

namespace bgm {
using json = nlohmann::json;

namespace {

json base(const std::string& invocation) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return json{{"id", random_id("e_", 8)}, {"author", "nemo_agent"}, {"invocationId", invocation}, {"timestamp", now}};
}

}  // namespace

void EventChannel::push(const json& event) {
  {
    std::lock_guard lock(mutex_);
    lines_.push_back("data: " + json_text(event, -1) + "\n\n");
  }
  notify();
}

void EventChannel::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  notify();
}

void EventChannel::notify() {
  std::function<void()> ready;
  {
    std::lock_guard lock(mutex_);
    ready = ready_;
  }
  if (ready) ready();
}

void EventChannel::on_ready(std::function<void()> ready) {
  {
    std::lock_guard lock(mutex_);
    ready_ = std::move(ready);
  }
  notify();  // what came before the listener
}

std::vector<std::string> EventChannel::take(bool& finished) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out(lines_.begin(), lines_.end());
  lines_.clear();
  finished = closed_ && out.empty();
  return out;
}

json text_event(const std::string& invocation, const std::string& text, bool partial) {
  json e = base(invocation);
  e["content"] = {{"role", "model"}, {"parts", json::array({{{"text", text}}})}};
  if (partial) e["partial"] = true;
  else e["turnComplete"] = true;
  return e;
}

json call_event(const std::string& invocation, const std::string& id, const std::string& name, const json& args) {
  json e = base(invocation);
  e["content"] = {{"role", "model"}, {"parts", json::array({{{"functionCall", {{"id", id}, {"name", name}, {"args", args}}}}})}};
  return e;
}

json response_event(const std::string& invocation, const std::string& id, const std::string& name, const json& response) {
  json e = base(invocation);
  e["content"] = {{"role", "user"}, {"parts", json::array({{{"functionResponse", {{"id", id}, {"name", name}, {"response", response}}}}})}};
  return e;
}

json error_event(const std::string& invocation, int code, const std::string& message) {
  json e = text_event(invocation, message, false);
  e["errorCode"] = std::to_string(code);
  e["errorMessage"] = message;
  return e;
}

}  // namespace bgm
