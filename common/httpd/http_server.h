#pragma once
// An HTTP/1.1 server (and HTTPS) on Boost.Beast that holds against slow and hostile clients: event driven (no
// thread per connection, so slow clients cost a socket and a few KB, never a thread), a deadline for the whole
// header, caps on header bytes, body bytes (chunked too), connections in all and per address, a body that stalls
// is cut, a refused body is never read on as the next request (the connection closes), and stop() ends every
// connection at once whatever the clients do.
// Handlers run on the I/O threads and must not block: they answer at once, or hand the work off and answer later
// through their Exchange from any thread.
// Thread: route() before start(); start() and stop() from one controlling thread.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "httpd/http_types.h"

namespace bgm::httpd {

// The error read_body and stream_body give for a body over its limit (kInvalidArgument with this message), and
// the test for it: a malformed body is kInvalidArgument too, with another message.
inline constexpr const char* kBodyOverLimit = "The request's body is over its limit.";
inline bool body_over_limit(const Error& e) { return e.code == ErrorCode::kInvalidArgument && e.message == kBodyOverLimit; }

// One request on its way. Answer it exactly once (any thread); a handler that wants the body asks for it first.
class Exchange {
 public:
  virtual ~Exchange() = default;
  const Request& request() const { return request_; }

  // The whole body, at most `limit` bytes, then `done` on the connection's thread (quick work: answer, or hand off).
  // Errors given to `done`: body_over_limit (the connection closes after the answer), kInvalidArgument (malformed,
  // e.g. a broken chunk), kNetwork (the client went away or stalled: there is no one to answer). Call at most once, from the handler.
  virtual void read_body(uint64_t limit, std::function<void(Result<std::string> body)> done) = 0;
  // The body in pieces as they arrive (connection's thread; quick work such as writing to a file). `piece` returns
  // false to stop (answer then). `done` comes once: ok when the whole body came, else as for read_body.
  virtual void stream_body(uint64_t limit, std::function<bool(std::string_view bytes)> piece, std::function<void(Status)> done) = 0;

  virtual void answer(Response response) = 0;
  // `file` whole (200) or the one byte range the request asks for (206, or 416 past its end).
  virtual void answer_file(const std::filesystem::path& file, const std::string& content_type) = 0;
  // `head` (its status, type and headers) then the body `source` gives, chunked unless its length is known.
  virtual void answer_stream(Response head, std::shared_ptr<BodySource> source) = 0;

 protected:
  Request request_;
};

using Handler = std::function<void(std::shared_ptr<Exchange> exchange)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::optional<std::filesystem::path> tls_cert, tls_key;  // both: HTTPS only
  Limits limits;
  // The answer to a request no route takes, a header over the limit and such (the API's own envelope).
  std::function<Response(int status, const std::string& message)> error_answer;
};

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `pattern` is an ECMAScript regex matched against the whole path; its groups become Request::params.
  void route(const std::string& method, const std::string& pattern, Handler handler);
  // Binds and serves on threads of its own. Errors: kIo (address in use, not this machine's), kInvalidArgument (TLS files).
  Status start();
  int port() const;
  // Closes the listener and every connection (streams and uploads in flight end at once), joins the threads.
  // Idempotent.
  void stop();
  // Connections open now (for the tests and the benchmark).
  size_t connections() const;

  struct Impl;  // the listener and its connections (http_server.cpp only)

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace bgm::httpd
