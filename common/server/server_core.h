#pragma once
// What the routes of `obs-bgm serve` share (server/*_route.cpp and nemo_server.cpp only): the store and the
// engine's session service, the work queues, the limits, and the API's answer envelope.
// Thread: the members are safe from any thread (the store, the queues and the limiters serialise); handlers run on
// the HTTP front's I/O threads and hand long work to the queues.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "httpd/http_server.h"
#include "nemo/nemo_protocol.h"
#include "server/data_lock.h"
#include "server/job_store.h"
#include "server/nemo_server.h"
#include "server/rate_limiter.h"
#include "server/render_pump.h"
#include "server/work_queue.h"
#include "session/session_service.h"

namespace bgm {

inline constexpr size_t kMaxJsonBody = 2 * 1024 * 1024;  // a draft fits many times over
inline constexpr uint64_t kMultipartSlack = 16u << 20;   // boundaries and headers around the files

using ExchangePtr = std::shared_ptr<httpd::Exchange>;

struct ServerCore {
  explicit ServerCore(ServeOptions o);

  ServeOptions options;
  std::optional<DataLock> lock;
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<SessionService> service;
  std::unique_ptr<JobStore> jobs;       // renders and turns of every box, in the database; the caps
  std::unique_ptr<EngineSlots> slots;   // --workers: turns and renders at once on this box
  std::unique_ptr<RenderPump> pump;     // this box's render workers
  std::unique_ptr<WorkQueue> queue;     // this box's chat turns (the engine)
  std::unique_ptr<WorkQueue> io_queue;  // checking uploads and fetching URL sources (disk and network)
  std::unique_ptr<httpd::HttpServer> http;
  RateLimiter token_rate, address_rate;        // calls per token; calls without a valid token per address
  std::chrono::milliseconds anonymous_window;  // new anonymous tokens: 5 per client id and 30 per address in it, on every box
  std::atomic<int> streams{0};  // chat streams still being written
  std::atomic<bool> stopping{false};
  std::mutex health_mutex;
  std::chrono::steady_clock::time_point health_checked;
  bool health_ok = false;
  std::thread janitor;
  std::mutex janitor_mutex;
  std::condition_variable janitor_cv;
  bool janitor_stop = false;

  // The envelope {"code", "message", "data"}; no path of the server's data folder ever leaves in a message.
  httpd::Response envelope(int http, int code, const std::string& message, const nlohmann::json& data = nlohmann::json::object()) const;
  void reply(httpd::Exchange& ex, int http, int code, const std::string& message, const nlohmann::json& data = nlohmann::json::object()) const {
    ex.answer(envelope(http, code, message, data));
  }
  // An answer with one of the protocol's codes, at the HTTP status that goes with it.
  void reply(httpd::Exchange& ex, nemo::Code code, const std::string& message) const {
    reply(ex, nemo::http_status(code), nemo::code_value(code), message);
  }
  void reply_error(httpd::Exchange& ex, const Error& e) const;

  // The request's token, checked and counted against its rate; a call without a valid one counts against its address.
  Result<TokenRecord> authenticate(const httpd::Request& req);
  Result<SessionRecord> owned_session(const std::string& id, const TokenRecord& token);
  // The client's address: the peer's, or behind a trusted proxy (--trusted-proxy) the last X-Forwarded-For entry.
  std::string client_address(const httpd::Request& req) const;
  // Whether this box can serve: its database answers and it is not stopping (GET /healthz).
  bool healthy();
  // Where download links point: --public-url, else the address the client reached (its Host), else the bind address.
  std::string link_base(const httpd::Request& req) const;
  std::string bind_url() const;

  // The request's JSON body (2 MB, 64 levels at most), then `fn` on the connection's thread. Over the cap: 413;
  // malformed or not JSON: 400; a client that went away: no answer.
  void read_json_body(ExchangePtr ex, std::function<void(nlohmann::json)> fn);
  // A route that needs a token (checked before the body is read) and a JSON object body of at most 2 MB.
  void json_route(const std::string& pattern, std::function<void(ExchangePtr, TokenRecord, nlohmann::json)> fn);
  void get_route(const std::string& pattern, std::function<void(ExchangePtr, TokenRecord)> fn);

  // Renders.
  int64_t export_cost(const std::string& session, const DraftMusic& music);
  // A claimed render (server/render_pump.h), to its end; returns early (the render stays claimed) when cancelled.
  void run_render(RenderRecord r, const CancelToken* cancel);
  void log(const std::string& line) const;

  // The routes of the API, by file.
  void add_routes();
  void chat(ExchangePtr ex, const TokenRecord& token, const nlohmann::json& body);
  void upload(ExchangePtr ex, const TokenRecord& token, const SessionRecord& session);
  void start_render(ExchangePtr ex, const TokenRecord& token, const nlohmann::json& body);
};

}  // namespace bgm
