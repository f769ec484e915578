#pragma once
// What the HTTP front (httpd/http_server.h) hands a route and takes back: a request's line and headers, an answer,
// a streamed body, and the limits that hold against slow and hostile clients.
// Thread: plain values; BodySource as documented on it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bgm::httpd {

struct Limits {
  size_t max_header_bytes = 16 * 1024;            // request line and headers together: over it, 431 and closed
  std::chrono::milliseconds header_timeout{10000};  // the whole header must arrive in this (slow-header clients)
  std::chrono::milliseconds body_stall_timeout{30000};  // a body that sends nothing for this long is cut
  std::chrono::milliseconds write_timeout{60000};   // a client that stops reading its answer is cut
  size_t max_connections = 1024;                  // open at once, in all
  size_t max_connections_per_address = 128;       // open at once from one address
  int threads = 2;                                // I/O threads: handlers run here and must not block
};

struct Request {
  std::string method, target, path, query;  // target = path[?query]
  std::string peer;                          // the client's address ("127.0.0.1", "::1")
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> params;           // what the route's pattern captured
  bool has_body = false;                     // a Content-Length over 0, or chunked
  // The first header of that name (any case), "" when none.
  std::string header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A body written as it becomes known (a stream of events, a file): the server pulls pieces while the client reads.
// Thread: pull() and wait_limit() on the connection's thread; the wake function given to on_ready() may be called
// from any thread.
class BodySource {
 public:
  enum class Pull { kData, kWait, kEnd };
  virtual ~BodySource() = default;
  // The next piece into `out` (kData), nothing yet (kWait: pull again after wake or wait_limit()), or the end.
  virtual Pull pull(std::string& out) = 0;
  virtual void on_ready(std::function<void()> wake) = 0;
  // After kWait, pull again after this long even without a wake (a heartbeat is then due).
  virtual std::chrono::milliseconds wait_limit() const { return std::chrono::milliseconds(10000); }
  // The body's length when known before it is sent (then no chunked encoding).
  virtual std::optional<uint64_t> length() const { return std::nullopt; }
};

}  // namespace bgm::httpd
