#include "httpd/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "core/text.h"
#include "httpd/byte_range.h"

namespace bgm::httpd {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Whether `ec` is the HTTP parser's own complaint about the bytes (not a closed or timed-out connection).
bool parse_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

std::string text(beast::string_view s) { return std::string(s.data(), s.size()); }

struct Route {
  std::string method;
  std::regex pattern;
  Handler handler;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual void close() = 0;
};

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (ascii_iequals(n, name)) return v;
  return {};
}

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  ServerOptions options;
  std::vector<Route> routes;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  int port = 0;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;  // live and per_address
  std::map<uint64_t, std::weak_ptr<Connection>> live;
  std::map<std::string, size_t> per_address;
  uint64_t next_id = 0;

  explicit Impl(ServerOptions o) : options(std::move(o)), ioc(std::max(1, options.limits.threads)) {}

  Response error(int status, const std::string& message) const {
    if (options.error_answer) return options.error_answer(status, message);
    Response r;
    r.status = status;
    r.content_type = "text/plain";
    r.body = message;
    return r;
  }

  const Route* match(const std::string& method, const std::string& path, std::vector<std::string>& params, bool& path_known) const {
    std::smatch m;
    for (const auto& r : routes) {
      if (!std::regex_match(path, m, r.pattern)) continue;
      path_known = true;
      if (r.method != method) continue;
      params.clear();
      for (size_t i = 1; i < m.size(); ++i) params.push_back(m[i].str());
      return &r;
    }
    return nullptr;
  }

  // A new connection from `address`, if the caps allow; its id.
  std::optional<uint64_t> admit(const std::string& address) {
    std::lock_guard lock(mutex);
    if (live.size() >= options.limits.max_connections) return std::nullopt;
    auto& n = per_address[address];
    if (n >= options.limits.max_connections_per_address) {
      if (n == 0) per_address.erase(address);
      return std::nullopt;
    }
    ++n;
    const uint64_t id = ++next_id;
    live[id];
    return id;
  }

  void release(uint64_t id, const std::string& address) {
    std::lock_guard lock(mutex);
    live.erase(id);
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }

  void accept();
  template <typename Stream>
  void spawn(Stream stream, uint64_t id, std::string address);
};

namespace {

template <typename Stream>
auto& lowest(Stream& s) {
  return beast::get_lowest_layer(s);
}

// One connection: read a header within its deadline, hand the request to its route, read the body if asked,
// write the answer, and again while the client keeps the connection alive.
template <typename Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(std::shared_ptr<HttpServer::Impl> server, Stream stream, uint64_t id, std::string address)
      : server_(std::move(server)), stream_(std::move(stream)), buffer_(server_->options.limits.max_header_bytes + 65536),
        timer_(lowest(stream_).get_executor()), id_(id), address_(std::move(address)) {}

  ~Session() override { server_->release(id_, address_); }

  void run();
  void close() override {
    net::post(lowest(stream_).get_executor(), [self = this->shared_from_this()] { self->shutdown(); });
  }

  // The exchange's calls, on this connection's strand.
  void want_body(uint64_t limit, bool whole, std::function<bool(std::string_view)> piece, std::function<void(Status)> done);
  void write_answer(Response r);
  void write_stream(Response head, std::shared_ptr<BodySource> source);
  const Limits& limits() const { return server_->options.limits; }
  net::any_io_executor executor() { return lowest(stream_).get_executor(); }
  std::string collected;  // read_body's bytes

 private:
  void read_header();
  void on_header(beast::error_code ec);
  void read_body_some();
  void body_finished(Status st);
  void after_write(bool keep);
  void pump();
  void shutdown();
  // Whether the connection can take another request: the client wants it, and this one was read to its end (a
  // header that was refused or never finished, or an unread body, closes it).
  bool keep_alive() const {
    return !server_->stopping && !body_broken_ && parser_ && parser_->is_header_done() && parser_->keep_alive() && (!has_body_ || body_done_);
  }

  std::shared_ptr<HttpServer::Impl> server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  net::steady_timer timer_;
  uint64_t id_;
  std::string address_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::shared_ptr<Exchange> exchange_;
  bool has_body_ = false, body_done_ = false, body_broken_ = false, reading_ = false, answered_ = false, closed_ = false;
  bool expect_continue_ = false;
  uint64_t limit_ = 0, delivered_ = 0;
  bool whole_ = false;
  std::function<bool(std::string_view)> piece_;
  std::function<void(Status)> done_;
  char body_buf_[65536];
  // A streamed answer.
  std::shared_ptr<BodySource> source_;
  std::shared_ptr<http::response<http::buffer_body>> stream_res_;
  std::shared_ptr<http::response_serializer<http::buffer_body>> serializer_;
  std::string chunk_;
  bool waiting_ = false, woken_ = false;
};

template <typename Stream>
class SessionExchange : public Exchange {
 public:
  SessionExchange(std::shared_ptr<Session<Stream>> session, Request request) : session_(std::move(session)) { request_ = std::move(request); }

  void read_body(uint64_t limit, std::function<void(Result<std::string>)> done) override {
    auto s = session_;
    if (!s) return;
    s->want_body(limit, true, nullptr, [s, done = std::move(done)](Status st) {
      if (!st) return done(st.error());
      done(std::move(s->collected));
    });
  }
  void stream_body(uint64_t limit, std::function<bool(std::string_view)> piece, std::function<void(Status)> done) override {
    if (auto s = session_) s->want_body(limit, false, std::move(piece), std::move(done));
  }
  void answer(Response r) override {
    auto s = take();
    if (!s) return;
    net::post(s->executor(), [s, r = std::move(r)]() mutable { s->write_answer(std::move(r)); });
  }
  void answer_file(const std::filesystem::path& file, const std::string& content_type) override;
  void answer_stream(Response head, std::shared_ptr<BodySource> source) override {
    auto s = take();
    if (!s) return;
    net::post(s->executor(), [s, head = std::move(head), source = std::move(source)]() mutable { s->write_stream(std::move(head), std::move(source)); });
  }

 private:
  // The session, once: a second answer is dropped.
  std::shared_ptr<Session<Stream>> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(session_, nullptr);
  }
  std::mutex mutex_;
  std::shared_ptr<Session<Stream>> session_;
};

// A file, or one range of it, read as the client takes it.
class FileSource : public BodySource {
 public:
  FileSource(std::FILE* f, uint64_t first, uint64_t length) : file_(f), left_(length), length_(length) {
    std::fseek(file_, static_cast<long>(first), SEEK_SET);
  }
  ~FileSource() override { std::fclose(file_); }
  Pull pull(std::string& out) override {
    if (left_ == 0) return Pull::kEnd;
    out.resize(static_cast<size_t>(std::min<uint64_t>(left_, 1 << 16)));
    const size_t n = std::fread(out.data(), 1, out.size(), file_);
    if (n == 0) return Pull::kEnd;  // shorter than it was: the client sees a cut body, never wrong bytes
    out.resize(n);
    left_ -= n;
    return Pull::kData;
  }
  void on_ready(std::function<void()>) override {}
  std::optional<uint64_t> length() const override { return length_; }

 private:
  std::FILE* file_;
  uint64_t left_, length_;
};

template <typename Stream>
void SessionExchange<Stream>::answer_file(const std::filesystem::path& file, const std::string& content_type) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  std::error_code ec;
  const uint64_t size = f ? std::filesystem::file_size(file, ec) : 0;
  if (!f || ec) {
    if (f) std::fclose(f);
    Response r;
    r.status = 404;
    return answer(std::move(r));
  }
  const auto range = parse_byte_range(request_.header("Range"), size);
  Response head;
  head.content_type = content_type;
  head.headers.push_back({"Accept-Ranges", "bytes"});
  uint64_t first = 0, length = size;
  if (range.unsatisfiable) {
    std::fclose(f);
    head.status = 416;
    head.headers.push_back({"Content-Range", "bytes */" + std::to_string(size)});
    return answer(std::move(head));
  }
  if (range.range) {
    first = range.range->first;
    length = range.range->last - range.range->first + 1;
    head.status = 206;
    head.headers.push_back({"Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(range.range->last) + "/" + std::to_string(size)});
  }
  answer_stream(std::move(head), std::make_shared<FileSource>(f, first, length));
}

template <typename Stream>
void Session<Stream>::run() {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    read_header();
  } else {
    lowest(stream_).expires_after(limits().header_timeout);
    stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->shutdown();
      self->read_header();
    });
  }
}

template <typename Stream>
void Session<Stream>::read_header() {
  if (closed_ || server_->stopping) return shutdown();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());  // each route has its own, counted as the body arrives
  exchange_.reset();
  has_body_ = body_done_ = body_broken_ = reading_ = answered_ = expect_continue_ = false;
  delivered_ = 0;
  collected.clear();
  lowest(stream_).expires_after(limits().header_timeout);  // the whole header, however slowly it comes
  http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

template <typename Stream>
void Session<Stream>::on_header(beast::error_code ec) {
  if (ec == http::error::header_limit || ec == beast::http::error::buffer_overflow) {
    body_broken_ = true;
    return write_answer(server_->error(431, "The request's header is over " + std::to_string(limits().max_header_bytes / 1024) + " KB."));
  }
  if (ec) {
    // A client that went away, a header that took too long, or bytes that are not HTTP: a bad request gets an
    // answer, the others only the close.
    if (parse_error(ec)) {
      body_broken_ = true;
      return write_answer(server_->error(400, "The request is not HTTP/1.1 this server reads."));
    }
    return shutdown();
  }
  auto& req = parser_->get();
  Request r;
  r.method = text(req.method_string());
  r.target = text(req.target());
  const size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  beast::error_code pe;
  r.peer = lowest(stream_).socket().remote_endpoint(pe).address().to_string();
  for (const auto& f : req) r.headers.emplace_back(text(f.name_string()), text(f.value()));
  has_body_ = parser_->chunked() || (parser_->content_length() && *parser_->content_length() > 0);
  body_done_ = !has_body_;
  r.has_body = has_body_;
  expect_continue_ = ascii_iequals(text(req[http::field::expect]), "100-continue");
  bool path_known = false;
  const Route* route = r.path.empty() || r.path.front() != '/' ? nullptr : server_->match(r.method, r.path, r.params, path_known);
  if (!route) return write_answer(server_->error(path_known ? 405 : 404, path_known ? "That method is not allowed here." : "No such endpoint."));
  auto ex = std::make_shared<SessionExchange<Stream>>(this->shared_from_this(), std::move(r));
  exchange_ = ex;
  try {
    route->handler(ex);
  } catch (const std::exception& e) {
    ex->answer(server_->error(500, std::string("Something went wrong on the server: ") + e.what()));
  }
}

template <typename Stream>
void Session<Stream>::want_body(uint64_t limit, bool whole, std::function<bool(std::string_view)> piece, std::function<void(Status)> done) {
  // Called from the handler, on this strand, before any answer.
  limit_ = limit;
  whole_ = whole;
  piece_ = std::move(piece);
  done_ = std::move(done);
  if (!has_body_) return body_finished({});
  const auto length = parser_->content_length();
  if (length && *length > limit_) {
    body_broken_ = true;
    return body_finished(make_error(ErrorCode::kInvalidArgument, kBodyOverLimit));
  }
  reading_ = true;
  // Beast reads no more than the buffer's free capacity (at least 512 bytes), and the buffer grew only as far as
  // the header needed: without room, a large body arrives a kilobyte per read (an upload at a tenth of the speed).
  if (!whole_ || !length || *length > sizeof body_buf_) buffer_.reserve(std::min<size_t>(sizeof body_buf_, buffer_.max_size()));
  if (expect_continue_) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    lowest(stream_).expires_after(limits().write_timeout);
    net::async_write(stream_, net::buffer(kContinue), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->body_finished(make_error(ErrorCode::kNetwork, "The client went away.")), self->shutdown();
      self->read_body_some();
    });
    return;
  }
  read_body_some();
}

template <typename Stream>
void Session<Stream>::read_body_some() {
  if (answered_ || closed_) return;
  auto& body = parser_->get().body();
  body.data = body_buf_;
  body.size = sizeof body_buf_;
  lowest(stream_).expires_after(limits().body_stall_timeout);
  http::async_read_some(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
    if (ec == http::error::need_buffer) ec = {};
    if (!self->reading_) return;  // answered meanwhile: the rest of the body is not ours to read
    if (ec) {
      self->body_broken_ = true;
      return self->body_finished(parse_error(ec) ? make_error(ErrorCode::kInvalidArgument, "The request's body is malformed.")
                                           : make_error(ErrorCode::kNetwork, "The client went away or stalled."));
    }
    const size_t got = sizeof self->body_buf_ - self->parser_->get().body().size;
    self->delivered_ += got;
    if (self->delivered_ > self->limit_) {
      self->body_broken_ = true;
      return self->body_finished(make_error(ErrorCode::kInvalidArgument, kBodyOverLimit));
    }
    if (got > 0) {
      const std::string_view bytes(self->body_buf_, got);
      if (self->whole_) {
        self->collected.append(bytes);
      } else if (!self->piece_(bytes)) {
        self->reading_ = false;
        self->body_broken_ = true;  // the handler stopped it and answers: the rest stays unread, so the connection closes
        return;
      }
    }
    if (self->parser_->is_done()) {
      self->body_done_ = true;
      return self->body_finished({});
    }
    self->read_body_some();
  });
}

template <typename Stream>
void Session<Stream>::body_finished(Status st) {
  reading_ = false;
  auto done = std::move(done_);
  done_ = nullptr;
  piece_ = nullptr;
  if (!done) return;
  try {
    done(std::move(st));
  } catch (const std::exception& e) {
    if (exchange_) exchange_->answer(server_->error(500, std::string("Something went wrong on the server: ") + e.what()));
  }
  if (!st.ok() && st.error().code == ErrorCode::kNetwork) shutdown();
}

template <typename Stream>
void Session<Stream>::write_answer(Response r) {
  if (closed_ || answered_) return;
  answered_ = true;
  reading_ = false;
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
  res->set(http::field::content_type, r.content_type);
  for (const auto& [n, v] : r.headers) res->set(n, v);
  res->body() = std::move(r.body);
  const bool keep = keep_alive();
  res->keep_alive(keep);
  res->prepare_payload();
  lowest(stream_).expires_after(limits().write_timeout);
  http::async_write(stream_, *res, [self = this->shared_from_this(), res, keep](beast::error_code ec, size_t) {
    if (ec) return self->shutdown();
    self->after_write(keep);
  });
}

template <typename Stream>
void Session<Stream>::after_write(bool keep) {
  exchange_.reset();
  source_.reset();
  stream_res_.reset();
  serializer_.reset();
  if (keep) return read_header();
  // Half-close, so the answer is not lost to a reset while unread request bytes are still coming, then close.
  beast::error_code ec;
  lowest(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
  closed_ = true;
  lowest(stream_).close();
}

template <typename Stream>
void Session<Stream>::write_stream(Response head, std::shared_ptr<BodySource> source) {
  if (closed_ || answered_) return;
  answered_ = true;
  reading_ = false;
  source_ = std::move(source);
  stream_res_ = std::make_shared<http::response<http::buffer_body>>(static_cast<http::status>(head.status), 11);
  auto& res = *stream_res_;
  res.set(http::field::content_type, head.content_type);
  for (const auto& [n, v] : head.headers) res.set(n, v);
  if (const auto length = source_->length()) res.content_length(*length);
  else res.chunked(true);
  res.keep_alive(keep_alive() && source_->length().has_value());
  res.body().data = nullptr;
  res.body().more = true;
  serializer_ = std::make_shared<http::response_serializer<http::buffer_body>>(res);
  std::weak_ptr<Session> weak = this->shared_from_this();
  source_->on_ready([weak] {
    if (auto self = weak.lock()) {
      net::post(self->executor(), [self] {
        if (self->waiting_) self->timer_.cancel();
        else self->woken_ = true;
      });
    }
  });
  lowest(stream_).expires_after(limits().write_timeout);
  http::async_write_header(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->shutdown();
    self->pump();
  });
}

template <typename Stream>
void Session<Stream>::pump() {
  if (closed_ || !source_) return;
  auto& body = stream_res_->body();
  const auto pulled = source_->pull(chunk_);
  if (pulled == BodySource::Pull::kWait) {
    if (woken_) {
      woken_ = false;
      return net::post(executor(), [self = this->shared_from_this()] { self->pump(); });
    }
    waiting_ = true;
    lowest(stream_).expires_never();
    timer_.expires_after(source_->wait_limit());
    timer_.async_wait([self = this->shared_from_this()](beast::error_code) {
      self->waiting_ = false;
      self->pump();
    });
    return;
  }
  const bool end = pulled == BodySource::Pull::kEnd;
  body.data = end ? nullptr : chunk_.data();
  body.size = end ? 0 : chunk_.size();
  body.more = !end;
  lowest(stream_).expires_after(limits().write_timeout);
  http::async_write(stream_, *serializer_, [self = this->shared_from_this(), end](beast::error_code ec, size_t) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return self->shutdown();
    if (end) return self->after_write(self->stream_res_->keep_alive());
    self->pump();
  });
}

template <typename Stream>
void Session<Stream>::shutdown() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  beast::error_code ec;
  lowest(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
  lowest(stream_).close();
  if (done_) body_finished(make_error(ErrorCode::kNetwork, "The connection closed."));
  source_.reset();
  exchange_.reset();
}

}  // namespace

template <typename Stream>
void HttpServer::Impl::spawn(Stream stream, uint64_t id, std::string address) {
  auto session = std::make_shared<Session<Stream>>(shared_from_this(), std::move(stream), id, std::move(address));
  {
    std::lock_guard lock(mutex);
    live[id] = session;
  }
  session->run();
}

void HttpServer::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopping) return;
    if (ec) {  // out of file descriptors, most likely: try again shortly instead of spinning
      self->accept_retry->expires_after(std::chrono::milliseconds(100));
      self->accept_retry->async_wait([self](beast::error_code) {
        if (!self->stopping) self->accept();
      });
      return;
    }
    beast::error_code pe;
    std::string address = socket.remote_endpoint(pe).address().to_string();
    socket.set_option(tcp::no_delay(true), pe);  // small answers go out at once, not after a delayed ACK
    auto id = self->admit(address);
    if (!id) {
      socket.close(pe);  // over a cap: refused at once, costing nothing
    } else if (self->tls) {
      self->spawn(beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *self->tls), *id, std::move(address));
    } else {
      self->spawn(beast::tcp_stream(std::move(socket)), *id, std::move(address));
    }
    self->accept();
  });
}

HttpServer::HttpServer(ServerOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::route(const std::string& method, const std::string& pattern, Handler handler) {
  impl_->routes.push_back({method, std::regex(pattern), std::move(handler)});
}

Status HttpServer::start() {
  Impl& s = *impl_;
  try {
    if (s.options.tls_cert && s.options.tls_key) {
      s.tls.emplace(ssl::context::tls_server);
      s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
      s.tls->use_certificate_chain_file(s.options.tls_cert->string());
      s.tls->use_private_key_file(s.options.tls_key->string(), ssl::context::pem);
    }
  } catch (const std::exception&) {
    return make_error(ErrorCode::kInvalidArgument, "Could not load the TLS certificate or key.");
  }
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  const auto found = resolver.resolve(s.options.host, std::to_string(s.options.port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (ec || found.empty()) return make_error(ErrorCode::kIo, "Could not listen on " + where + " (not an address of this machine).");
  const tcp::endpoint endpoint = found.begin()->endpoint();
  s.acceptor.emplace(net::make_strand(s.ioc));
  s.accept_retry.emplace(s.acceptor->get_executor());
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorCode::kIo, "Could not listen on " + where + " (in use, or not an address of this machine).");
  s.port = s.acceptor->local_endpoint().port();
  s.accept();
  for (int i = 0; i < std::max(1, s.options.limits.threads); ++i) {
    s.threads.emplace_back([impl = impl_] {
      // A handler that throws must not end the thread (and with it the process): the connection it served is lost,
      // the others go on.
      for (;;) {
        try {
          impl->ioc.run();
          return;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "obs-bgm serve: a request failed: %s\n", e.what());
        }
      }
    });
  }
  return {};
}

int HttpServer::port() const { return impl_->port; }

size_t HttpServer::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->live.size();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true) || s.threads.empty()) return;
  net::post(s.acceptor->get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor->close(ec);
    impl->accept_retry->cancel();
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(s.mutex);
    for (auto& [id, weak] : s.live)
      if (auto c = weak.lock()) open.push_back(std::move(c));
  }
  for (auto& c : open) c->close();
  open.clear();
  // Every connection is closing; what is left in flight ends with errors. A second later, whatever remains is cut.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (connections() > 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

}  // namespace bgm::httpd
