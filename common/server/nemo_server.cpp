#include "server/nemo_server.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <thread>

#include "core/json_field.h"
#include "core/json_read.h"
#include "core/json_text.h"
#include "core/random_id.h"
#include "core/text.h"
#include "server/data_sweep.h"
#include "server/server_core.h"
#include "server/token_file.h"
#include "store/postgres.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr int64_t kTokenLifetimeMs = 7LL * 24 * 3600 * 1000;
constexpr size_t kMaxWaitingPerToken = 4;
constexpr size_t kMaxWaiting = 64;

// "Bearer <token>", the scheme in any case (RFC 9110).
std::string bearer(const httpd::Request& req) {
  std::string h = req.header("Authorization");
  if (!ascii_iequals(std::string_view(h).substr(0, 7), "bearer ")) return {};
  h = h.substr(7);
  while (!h.empty() && h.front() == ' ') h.erase(0, 1);
  while (!h.empty() && h.back() == ' ') h.pop_back();
  return h;
}

// A Host header as a link may use it: a name or address and a port, nothing else.
bool plain_host(const std::string& host) {
  return !host.empty() && host.size() <= 255 &&
         host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == std::string::npos;
}

// A protocol time, scaled as the tests ask (OBS_BGM_NEMO_TIME_SCALE).
std::chrono::milliseconds scaled(const ServeOptions& o, std::chrono::milliseconds t) {
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(t.count()) * o.time_scale));
}

}  // namespace

ServerCore::ServerCore(ServeOptions o)
    : options(std::move(o)),
      token_rate(options.requests_per_minute, scaled(options, std::chrono::minutes(1))),
      address_rate(options.requests_per_minute, scaled(options, std::chrono::minutes(1))),
      anonymous_window(scaled(options, std::chrono::hours(1))) {}

httpd::Response ServerCore::envelope(int http, int code, const std::string& message, const json& data) const {
  std::string said = message;
  if (store) {  // a backstop: messages name files by what the client called them, never by where they are here
    said = replace_all(said, store->data_dir().string() + "/", "");
    said = replace_all(said, store->data_dir().string(), "the data folder");
  }
  httpd::Response r;
  r.status = http;
  r.body = json_text(json{{"code", code}, {"message", said}, {"data", data}}, -1);
  return r;
}

void ServerCore::reply_error(httpd::Exchange& ex, const Error& e) const { reply(ex, nemo::code_for(e), e.message); }

Result<TokenRecord> ServerCore::authenticate(const httpd::Request& req) {
  const std::string token = bearer(req);
  Result<std::optional<TokenRecord>> t = std::optional<TokenRecord>();
  if (!token.empty() && token.size() <= 256) t = store->token(sha256_hex(token));
  if (!t) return t.error();
  const bool valid = *t && (!(*t)->expires_ms || (*t)->expires_ms >= now_ms());
  if (!valid) {
    if (!address_rate.allow("addr:" + client_address(req))) return make_error(ErrorCode::kRateLimited, "Too many requests: wait a minute, then try again.");
    if (token.empty()) return make_error(ErrorCode::kAuth, "Sign in: send Authorization: Bearer <token>.");
    return make_error(ErrorCode::kAuth, "The token is invalid or has expired. Get a new one.");
  }
  if (!token_rate.allow((*t)->hash)) return make_error(ErrorCode::kRateLimited, "Too many requests: wait a minute, then try again.");
  return **t;
}

Result<SessionRecord> ServerCore::owned_session(const std::string& id, const TokenRecord& token) {
  if (!looks_like_id(id, "s_")) return make_error(ErrorCode::kNotFoundRemote, "No such session: create a new one.");
  auto s = store->session(id);
  if (!s) return s.error();
  if (!*s || (*s)->owner != token.hash) return make_error(ErrorCode::kNotFoundRemote, "No such session: create a new one.");
  return **s;
}

std::string ServerCore::client_address(const httpd::Request& req) const {
  if (std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), req.peer) == options.trusted_proxies.end()) return req.peer;
  // The proxy adds the address it saw, as the last entry of the last X-Forwarded-For line (HAProxy adds a line of
  // its own after any a client sent): that one is believed, whatever a client put before it.
  std::string forwarded;
  for (const auto& [name, value] : req.headers)
    if (ascii_iequals(name, "X-Forwarded-For")) forwarded = value;
  const auto comma = forwarded.rfind(',');
  std::string last = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.erase(0, 1);
  while (!last.empty() && last.back() == ' ') last.pop_back();
  return last.empty() || last.size() > 64 ? req.peer : last;
}

bool ServerCore::healthy() {
  std::lock_guard lock(health_mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - health_checked > std::chrono::seconds(1)) {
    health_checked = now;
    health_ok = !stopping && store && store->ping();
  }
  return health_ok && !stopping;
}

std::string ServerCore::bind_url() const {
  const std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  return std::string(options.tls_cert ? "https" : "http") + "://" + host + ":" + std::to_string(http ? http->port() : options.port);
}

std::string ServerCore::link_base(const httpd::Request& req) const {
  if (!options.public_url.empty()) return options.public_url;
  const std::string host = req.header("Host");
  if (plain_host(host)) return std::string(options.tls_cert ? "https" : "http") + "://" + host;
  return bind_url();
}

void ServerCore::read_json_body(ExchangePtr ex, std::function<void(json)> fn) {
  ex->read_body(kMaxJsonBody, [this, ex, fn](Result<std::string> body) {
    if (!body && httpd::body_over_limit(body.error())) return reply(*ex, 413, 400, "The request body is over 2 MB.");
    if (!body) return reply_error(*ex, body.error());
    auto j = read_json(*body, "The request body", {kMaxJsonBody, 64});
    if (!j) return reply_error(*ex, j.error());
    fn(std::move(j).value());
  });
}

void ServerCore::json_route(const std::string& pattern, std::function<void(ExchangePtr, TokenRecord, json)> fn) {
  http->route("POST", pattern, [this, fn](ExchangePtr ex) {
    auto token = authenticate(ex->request());
    if (!token) return reply_error(*ex, token.error());
    read_json_body(ex, [this, ex, fn, t = *token](json body) {
      if (!body.is_object()) return reply(*ex, nemo::Code::kBadRequest, "The request body must be a JSON object, in UTF-8.");
      fn(ex, t, std::move(body));
    });
  });
}

void ServerCore::get_route(const std::string& pattern, std::function<void(ExchangePtr, TokenRecord)> fn) {
  http->route("GET", pattern, [this, fn](ExchangePtr ex) {
    auto token = authenticate(ex->request());
    if (!token) return reply_error(*ex, token.error());
    fn(ex, *token);
  });
}

void ServerCore::add_routes() {
  // For a load balancer's health checks: no token, nothing but whether this box can serve (its database answers
  // and it is not stopping). Looked at once a second at most, however often it is asked.
  http->route("GET", "/healthz", [this](ExchangePtr ex) {
    if (healthy()) return reply(*ex, 200, 0, "ok");
    reply(*ex, 503, 503, "This server cannot serve now (stopping, or its database does not answer).");
  });

  http->route("POST", nemo::kRouteAnonymousToken, [this](ExchangePtr ex) {
    const httpd::Request& req = ex->request();
    const std::string client = req.header(nemo::kHeaderClientId);
    if (!address_rate.allow("addr:" + client_address(req))) return reply(*ex, nemo::Code::kRateLimited, "Too many requests: wait a minute, then try again.");
    if (client.empty() || client.size() > 128) return reply(*ex, nemo::Code::kBadRequest, "Send X-Client-Id: <a UUID you keep> to get a token.");
    if (!options.allow_anonymous) return reply(*ex, 403, nemo::code_value(nemo::Code::kBadToken), "This server does not give anonymous tokens; ask its operator for a token.");
    // A client keeps its token for a week: a few new ones an hour are plenty, and a flood makes the caps per token
    // (waiting work, rate, credits) meaningless.
    const std::string token = random_id("nmt_", 24);
    TokenRecord t{sha256_hex(token), client, true, now_ms(), now_ms() + kTokenLifetimeMs, options.credits_per_token, options.credits_per_token, 0};
    SessionStore::IssueLimits limits;
    limits.window_ms = anonymous_window.count();
    auto issued = store->issue_anonymous_token(t, client_address(req), limits);
    if (!issued) return reply_error(*ex, issued.error());
    if (!*issued) return reply(*ex, nemo::Code::kRateLimited, "Too many new tokens: keep the one you have, or wait an hour.");
    reply(*ex, 200, 0, "ok", {{"token", token}, {"credits", t.available}, {"expires_at", t.expires_ms / 1000}, {"client_id", client}});
  });

  json_route(nemo::kRouteSession, [this](ExchangePtr ex, TokenRecord token, json body) {
    const std::string language = json_field<std::string>(body, "language", "en").substr(0, 16);
    auto session = store->create_session(token.hash, language);
    if (!session) return reply_error(*ex, session.error());
    reply(*ex, 200, 0, "ok", {{"task_id", session->task_id}, {"session_id", session->id}});
  });

  json_route(nemo::kRouteChat, [this](ExchangePtr ex, TokenRecord token, json body) { chat(ex, token, body); });

  http->route("POST", std::string(nemo::kRouteUpload) + "([^/]+)", [this](ExchangePtr ex) {
    auto token = authenticate(ex->request());
    if (!token) return reply_error(*ex, token.error());
    auto session = owned_session(ex->request().params[0], *token);
    if (!session) return reply_error(*ex, session.error());
    upload(ex, *token, *session);
  });

  get_route(nemo::kRouteCredits, [this](ExchangePtr ex, TokenRecord token) {
    reply(*ex, 200, 0, "ok", {{"available", token.available}, {"frozen", token.frozen}, {"total", token.total}});
  });

  get_route(std::string(nemo::kRouteState) + "([^/]+)" + nemo::kStateSuffix, [this](ExchangePtr ex, TokenRecord token) {
    auto session = owned_session(ex->request().params[0], token);
    if (!session) return reply_error(*ex, session.error());
    auto state = service->state(session->id);
    if (!state) return reply_error(*ex, state.error());
    reply(*ex, 200, 0, "ok", {{"state", *state}});
  });

  json_route(nemo::kRouteRender, [this](ExchangePtr ex, TokenRecord token, json body) { start_render(ex, token, body); });

  get_route(std::string(nemo::kRouteRender) + R"(/([A-Za-z0-9_\-]{1,64}))", [this](ExchangePtr ex, TokenRecord token) {
    const std::string id = ex->request().params[0];
    auto r = store->render(render_key(token.hash, id));
    if (!r) return reply_error(*ex, r.error());
    if (!*r || (*r)->owner != token.hash) return reply(*ex, nemo::Code::kNoSession, "No such render.");
    json data = {{"id", id}, {"status", render_status_name((*r)->status)}};
    if ((*r)->status == RenderStatus::kCompleted && !(*r)->file.empty()) {
      const std::string name = fs::path((*r)->file).filename().string();
      data["output"] = {{"url", link_base(ex->request()) + "/download/" + (*r)->download_key + "/" + name}, {"expires_at", (*r)->expires_ms / 1000}};
    } else if ((*r)->status == RenderStatus::kCompleted) {
      data["error"] = "The download link has expired: export again.";
    }
    if ((*r)->status == RenderStatus::kFailed) data["error"] = (*r)->error;
    reply(*ex, 200, 0, "ok", data);
  });

  // The download link is its own key: unguessable, and it expires.
  http->route("GET", R"(/download/([0-9a-f]{48})/[^/]*)", [this](ExchangePtr ex) {
    if (!address_rate.allow("dl:" + client_address(ex->request()))) return reply(*ex, nemo::Code::kRateLimited, "Too many requests: wait a minute, then try again.");
    auto r = store->render_by_key(ex->request().params[0]);
    if (!r || !*r) return reply(*ex, 404, 404, "No such file.");
    if ((*r)->expires_ms < now_ms() || (*r)->file.empty()) return reply(*ex, 410, 410, "The download link has expired: export again.");
    const fs::path file = store->absolute((*r)->file);
    const std::string type = file.extension() == ".m4a" ? "audio/mp4" : "video/" + file.extension().string().substr(1);
    ex->answer_file(file, type);
  });
}

// ---- the server's life ----

struct NemoServer::Impl {
  std::unique_ptr<ServerCore> core;
};

NemoServer::NemoServer(ServeOptions options) : impl_(std::make_unique<Impl>()) { impl_->core = std::make_unique<ServerCore>(std::move(options)); }

NemoServer::~NemoServer() { stop(); }

namespace {

// This process, as the job table names it: the host, the pid and a random part (a pid is reused after a restart).
std::string box_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "box");
  return std::string(host).substr(0, 64) + "/" + std::to_string(::getpid()) + "/" + random_id("", 4);
}

}  // namespace

void ServerCore::log(const std::string& line) const { std::fprintf(stderr, "obs-bgm serve: %s\n", line.c_str()); }

Status NemoServer::start() {
  ServerCore& s = *impl_->core;
  const bool shared = !s.options.database.empty();
  // Alone on SQLite: one server per folder. On PostgreSQL: boxes share the folder, never with a server on SQLite.
  auto lock = DataLock::acquire(s.options.data_dir, shared ? DataLock::Mode::kShared : DataLock::Mode::kAlone);
  if (!lock) return lock.error();
  s.lock.emplace(std::move(lock).value());
  Result<std::unique_ptr<SessionStore>> store = make_error(ErrorCode::kInternal, "");
  if (shared) {
    if (!is_postgres_url(s.options.database)) {
      return make_error(ErrorCode::kInvalidArgument, "--db must be a PostgreSQL address (postgresql://user@host:5432/obsbgm); leave it out for SQLite.");
    }
    auto db = open_postgres(s.options.database);
    if (!db) return db.error();
    store = SessionStore::open(s.options.data_dir, std::move(db).value());
  } else {
    store = SessionStore::open(s.options.data_dir);
  }
  if (!store) return store.error();
  s.store = std::move(store).value();
  JobLimits limits;
  limits.per_owner = kMaxWaitingPerToken;
  limits.total = kMaxWaiting;
  limits.lease_ms = scaled(s.options, std::chrono::seconds(60)).count();
  s.jobs = std::make_unique<JobStore>(s.store->database(), box_name(), limits);
  // What a stopped process left: alone, everything it held (its freezes recomputed, its renders queued again); on a
  // shared database, what the leases say (a box that is still running holds its own). Part files and expired links go.
  if (shared) (void)s.jobs->reclaim(now_ms());
  else (void)s.jobs->recover_alone();
  (void)sweep_data(*s.store, true, shared);
  ServiceOptions service;
  service.synth = s.options.synth;
  // A job keeps up to two threads busy (the synthesis, the AAC encoders): a lone job gets the machine, jobs at once
  // share it.
  service.synth.cpu_cores = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 2u));
  s.service = std::make_unique<SessionService>(*s.store, service);
  if (auto ok = apply_token_file(*s.store, s.options.token_file, s.options.credits_per_token, s.options.allow_anonymous); !ok) return ok.error();
  const int workers = s.options.workers > 0 ? s.options.workers : std::max(1u, std::thread::hardware_concurrency());
  s.slots = std::make_unique<EngineSlots>(workers);
  s.queue = std::make_unique<WorkQueue>(workers, kMaxWaitingPerToken, kMaxWaiting);
  s.io_queue = std::make_unique<WorkQueue>(16, 2, 64);
  PumpOptions pump;
  pump.workers = workers;
  pump.slots = s.slots.get();
  pump.renew_every = std::chrono::milliseconds(limits.lease_ms / 3);
  pump.look_every = shared ? pump.renew_every : std::chrono::milliseconds(limits.lease_ms);
  if (shared) pump.listen_spec = s.options.database;
  s.pump = std::make_unique<RenderPump>(
      *s.jobs, pump, [&s](RenderRecord r, const CancelToken* cancel) { s.run_render(std::move(r), cancel); },
      [&s](const std::string& line) { s.log(line); });
  httpd::ServerOptions http;
  http.host = s.options.host;
  http.port = s.options.port;
  http.tls_cert = s.options.tls_cert;
  http.tls_key = s.options.tls_key;
  http.limits.max_connections = s.options.max_connections;
  http.limits.max_connections_per_address = s.options.max_connections_per_address;
  http.error_answer = [&s](int status, const std::string& message) { return s.envelope(status, status, message); };
  s.http = std::make_unique<httpd::HttpServer>(http);
  s.add_routes();
  if (auto ok = s.http->start(); !ok) return ok;
  s.pump->start();  // renders a stopped server left run again
  s.janitor = std::thread([&s] {
    const auto every = std::chrono::milliseconds(static_cast<int64_t>(600000 * s.options.time_scale) + 10);
    std::unique_lock lk(s.janitor_mutex);
    while (!s.janitor_cv.wait_for(lk, every, [&s] { return s.janitor_stop; })) (void)sweep_data(*s.store, false);
  });
  return {};
}

std::string NemoServer::url() const { return impl_->core->bind_url(); }

Result<std::string> NemoServer::reload_tokens() {
  ServerCore& s = *impl_->core;
  if (!s.store) return make_error(ErrorCode::kInternal, "The server is not running.");
  auto r = apply_token_file(*s.store, s.options.token_file, s.options.credits_per_token, s.options.allow_anonymous);
  if (!r) return r.error();
  return std::to_string(r->issued) + " issued, " + std::to_string(r->revoked) + " revoked";
}

void NemoServer::stop() {
  ServerCore& s = *impl_->core;
  s.stopping = true;  // health checks fail from now: a load balancer sends new calls elsewhere
  // The work first: running turns are cancelled and every stream in flight gets its final event (up to 1 s to
  // write them); then every connection is closed, whatever its client does. Renders stay in the database, to be
  // run again at the next start.
  if (s.io_queue) s.io_queue->shutdown();
  if (s.slots) s.slots->shutdown();  // turns and renders waiting for a slot give up at once
  if (s.queue) s.queue->shutdown();
  if (s.pump) s.pump->stop();  // running renders go back to the queue, for this box's next start or another box
  for (int i = 0; i < 100 && s.streams > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (s.http) s.http->stop();
  {
    std::lock_guard lk(s.janitor_mutex);
    s.janitor_stop = true;
  }
  s.janitor_cv.notify_all();
  if (s.janitor.joinable()) s.janitor.join();
  s.lock.reset();
}

}  // namespace bgm
