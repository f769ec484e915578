#pragma once
// A Server-Sent Events parser fed arbitrary byte chunks (a line may arrive in pieces, lines may end in LF, CRLF
// or a lone CR): it hands out each event's data (the `data:` lines joined with '\n') when the blank line that
// ends it arrives, and says when a comment line (a heartbeat) or an empty data event came by.
// Thread: one parser per stream; not shared.

#include <functional>
#include <string>
#include <string_view>

namespace bgm {

struct SseEvent {
  std::string event;  // "message" unless an `event:` line said otherwise
  std::string data;
  std::string id;
};

class SseParser {
 public:
  using EventFn = std::function<bool(const SseEvent& event)>;  // false: stop reading
  using HeartbeatFn = std::function<void()>;

  SseParser(EventFn on_event, HeartbeatFn on_heartbeat) : on_event_(std::move(on_event)), on_heartbeat_(std::move(on_heartbeat)) {}
  static constexpr size_t kMaxEventBytes = 1u << 20;  // one event's data; a bigger one stops the stream
  // Returns false once a callback asked to stop, or an event grew over kMaxEventBytes (then overflowed()).
  bool feed(std::string_view bytes);
  bool overflowed() const { return overflowed_; }
  const std::string& last_event_id() const { return last_id_; }

 private:
  bool line(std::string_view text);

  EventFn on_event_;
  HeartbeatFn on_heartbeat_;
  std::string pending_;  // a line not yet ended
  bool after_cr_ = false;
  SseEvent current_;
  bool has_data_ = false;
  bool overflowed_ = false;
  std::string last_id_;
};

}  // namespace bgm
