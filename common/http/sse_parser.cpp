#include "http/sse_parser.h"

namespace bgm {

bool SseParser::feed(std::string_view bytes) {
  if (overflowed_) return false;
  for (char c : bytes) {
    if (after_cr_ && c == '\n') {  // CRLF: the CR ended the line already
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      const std::string text = std::move(pending_);
      pending_.clear();
      if (!line(text)) return false;
      continue;
    }
    if (pending_.size() + current_.data.size() >= kMaxEventBytes) return overflowed_ = true, false;
    pending_.push_back(c);
  }
  return true;
}

bool SseParser::line(std::string_view text) {
  if (text.empty()) {  // the end of an event
    if (!has_data_) return true;
    if (current_.event.empty()) current_.event = "message";
    const SseEvent event = std::move(current_);
    current_ = SseEvent{};
    has_data_ = false;
    if (event.data.empty()) {
      if (on_heartbeat_) on_heartbeat_();
      return true;
    }
    return on_event_ ? on_event_(event) : true;
  }
  if (text.front() == ':') {
    if (on_heartbeat_) on_heartbeat_();
    return true;
  }
  const auto colon = text.find(':');
  std::string_view field = text.substr(0, colon), value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) current_.data.push_back('\n');
    current_.data.append(value);
    if (current_.data.size() >= kMaxEventBytes) return overflowed_ = true, false;
    has_data_ = true;
  } else if (field == "event") {
    current_.event = std::string(value);
  } else if (field == "id" && value.find('\0') == std::string_view::npos) {
    current_.id = std::string(value);
    last_id_ = current_.id;
  }
  return true;
}

}  // namespace bgm
