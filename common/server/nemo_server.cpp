#include "server/nemo_server.h"

#include <httplib.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>

#include "core/json_field.h"
#include "core/json_read.h"
#include "core/json_text.h"
#include "core/random_id.h"
#include "server/event_channel.h"
#include "server/url_fetch.h"
#include "server/work_queue.h"
#include "session/session_service.h"
#include "spec/prompt_parser.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr size_t kMaxJsonBody = 2 * 1024 * 1024;  // a draft fits many times over
constexpr int64_t kTokenLifetimeMs = 7LL * 24 * 3600 * 1000;
constexpr size_t kMaxWaitingPerToken = 4;
constexpr size_t kMaxWaiting = 64;
constexpr uint64_t kMultipartSlack = 16u << 20;  // boundaries and headers around the files

// The answer envelope: {"code", "message", "data"}.
void answer(httplib::Response& res, int http, int code, const std::string& message, const json& data = json::object()) {
  res.status = http;
  res.set_content(json_text(json{{"code", code}, {"message", message}, {"data", data}}, -1), "application/json");
}

void answer_error(httplib::Response& res, const Error& e) {
  switch (e.code) {
    case ErrorCode::kAuth: return answer(res, 401, 1001, e.message);
    case ErrorCode::kNotFoundRemote: return answer(res, 404, 1002, e.message);
    case ErrorCode::kQuota: return answer(res, 402, e.remote_code ? e.remote_code : 2001, e.message);
    case ErrorCode::kRateLimited: return answer(res, 429, 429, e.message);
    case ErrorCode::kUnsupported: return answer(res, 415, 4001, e.message);
    case ErrorCode::kInvalidArgument: case ErrorCode::kMedia: return answer(res, 400, 400, e.message);
    default: return answer(res, 500, 500, e.message);
  }
}

int sse_code(const Error& e) {
  switch (e.code) {
    case ErrorCode::kQuota: return 2001;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kNotFoundRemote: return 1002;
    default: return 500;
  }
}

// Reads a JSON body of at most kMaxJsonBody bytes, without ever holding more.
Result<json> read_json_body(const httplib::ContentReader& reader) {
  std::string body;
  bool over = false;
  reader([&](const char* data, size_t n) {
    if (body.size() + n > kMaxJsonBody) {
      over = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (over) return make_error(ErrorCode::kInvalidArgument, "The request body is over 2 MB.");
  auto j = read_json(body, "The request body", {kMaxJsonBody, 64});
  if (!j) return j.error();
  if (!j->is_object()) return make_error(ErrorCode::kInvalidArgument, "The request body must be a JSON object, in UTF-8.");
  return j;
}

std::string bearer(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  return h.rfind("Bearer ", 0) == 0 ? h.substr(7) : std::string();
}


}  // namespace

struct NemoServer::Impl {
  ServeOptions options;
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<SessionService> service;
  std::unique_ptr<WorkQueue> queue;
  std::unique_ptr<httplib::Server> http;
  std::thread listener;
  int port = 0;
  std::atomic<int> streams{0};  // chat streams still being written
  std::mutex rate_mutex;
  std::map<std::string, std::pair<int64_t, int>> rate;  // token hash -> (minute, count)

  // The token of a request, checked; also counts it against the token's rate.
  Result<TokenRecord> authenticate(const httplib::Request& req) {
    const std::string token = bearer(req);
    if (token.empty() || token.size() > 256) return make_error(ErrorCode::kAuth, "Sign in: send Authorization: Bearer <token>.");
    auto t = store->token(sha256_hex(token));
    if (!t) return t.error();
    if (!*t || ((*t)->expires_ms && (*t)->expires_ms < now_ms())) {
      return make_error(ErrorCode::kAuth, "The token is invalid or has expired. Get a new one.");
    }
    {
      std::lock_guard lock(rate_mutex);
      auto& [minute, count] = rate[(*t)->hash];
      const int64_t m = now_ms() / 60000;
      if (minute != m) minute = m, count = 0;
      if (++count > options.requests_per_minute) {
        return make_error(ErrorCode::kRateLimited, "Too many requests: wait a minute, then try again.");
      }
    }
    return **t;
  }

  Result<SessionRecord> owned_session(const std::string& id, const TokenRecord& token) {
    if (!looks_like_id(id, "s_")) return make_error(ErrorCode::kNotFoundRemote, "No such session: create a new one.");
    auto s = store->session(id);
    if (!s) return s.error();
    if (!*s || (*s)->owner != token.hash) return make_error(ErrorCode::kNotFoundRemote, "No such session: create a new one.");
    return **s;
  }

  std::string base_url() const { return std::string(options.tls_cert ? "https" : "http") + "://" + (options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host) + ":" + std::to_string(port); }

  Status load_token_file() {
    if (!options.token_file) return {};
    std::ifstream in(*options.token_file);
    if (!in) return make_error(ErrorCode::kIo, "Could not read the token file " + options.token_file->string() + ".");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto space = line.find(' ');
      const std::string token = line.substr(0, space);
      int64_t credits = options.credits_per_token;
      if (space != std::string::npos) credits = std::atoll(line.c_str() + space + 1);
      const std::string hash = sha256_hex(token);
      auto known = store->token(hash);
      if (known && *known) continue;  // keeps what it has spent
      if (auto ok = store->put_token({hash, "", false, now_ms(), 0, credits, credits, 0}); !ok) return ok;
    }
    return {};
  }

  void run_render(RenderRecord r, const CancelToken* cancel) {
    if (cancel->cancelled()) return;  // shutting down: resumed at the next start
    r.status = RenderStatus::kRunning;
    (void)store->put_render(r);
    auto draft = Draft::from_json(r.draft);
    Result<fs::path> out = draft ? Result<fs::path>(fs::path()) : Result<fs::path>(draft.error());
    if (draft) {
      const std::string file = "renders/" + random_id("f_") + "." + service->export_extension(*draft, r.format);
      out = service->export_draft(r.session, *draft, store->absolute(file), cancel, {});
      if (out) r.file = fs::relative(*out, store->data_dir()).string();
    }
    if (!out && out.error().code == ErrorCode::kCancelled && cancel->cancelled()) return;  // stays running: resumed later
    if (out) {
      r.status = RenderStatus::kCompleted;
      r.download_key = random_id("", 24);
      r.expires_ms = now_ms() + options.link_lifetime_s * 1000;
    } else {
      r.status = RenderStatus::kFailed;
      r.error = out.error().message;
    }
    (void)store->put_render(r);
  }

  void routes();
  void chat(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void start_render(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
};

// A POST route whose handler reads the body itself (capped). When it answers without reading the body (a bad token,
// an upload cut at the limit), the connection is closed: the unread bytes must not be taken for the next request.
template <typename Fn>
void post_route(httplib::Server& server, const std::string& pattern, Fn fn) {
  server.Post(pattern, [fn](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    auto read = std::make_shared<bool>(false);
    httplib::ContentReader tracked(
        [read, &reader](httplib::ContentReceiver receiver) { return *read = true, reader(std::move(receiver)); },
        [read, &reader](httplib::MultipartContentHeader header, httplib::ContentReceiver receiver) {
          return *read = true, reader(std::move(header), std::move(receiver));
        });
    fn(req, res, tracked);
    const bool has_body = req.has_header("Transfer-Encoding") || std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > 0;
    // Unread, or cut short on an error: the rest of the body is still on the wire.
    if (has_body && (!*read || res.status >= 400)) res.set_header("Connection", "close");
  });
}

void NemoServer::Impl::routes() {
  auto& s = *http;
  // Whatever httplib answers by itself (no such endpoint, a body over the limit) gets the envelope too.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) answer(res, res.status, res.status, res.status == 404 ? "No such endpoint." : "The request was refused.");
  });
  post_route(s, "/api/auth/anonymous-token", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
    const std::string client = req.get_header_value("X-Client-Id");
    if (client.empty() || client.size() > 128) return answer(res, 400, 400, "Send X-Client-Id: <a UUID you keep> to get a token.");
    if (!options.allow_anonymous) {
      return answer(res, 403, 1001, "This server does not give anonymous tokens; ask its operator for a token.");
    }
    const std::string token = random_id("nmt_", 24);
    TokenRecord t{sha256_hex(token), client, true, now_ms(), now_ms() + kTokenLifetimeMs,
                  options.credits_per_token, options.credits_per_token, 0};
    if (auto ok = store->put_token(t); !ok) return answer_error(res, ok.error());
    answer(res, 200, 0, "ok", {{"token", token}, {"credits", t.available}, {"expires_at", t.expires_ms / 1000}, {"client_id", client}});
  });

  post_route(s, "/api/tasks/me/with-session/nemo_agent", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    auto token = authenticate(req);
    if (!token) return answer_error(res, token.error());
    auto body = read_json_body(reader);
    if (!body) return answer_error(res, body.error());
    const std::string language = json_field<std::string>(*body, "language", "en").substr(0, 16);
    auto session = store->create_session(token->hash, language);
    if (!session) return answer_error(res, session.error());
    answer(res, 200, 0, "ok", {{"task_id", session->task_id}, {"session_id", session->id}});
  });

  post_route(s, "/run_sse", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) { chat(req, res, reader); });

  post_route(s, R"(/api/upload-video/nemo_agent/me/([^/]+))", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    upload(req, res, reader);
  });

  s.Get("/api/credits/balance/simple", [this](const httplib::Request& req, httplib::Response& res) {
    auto token = authenticate(req);
    if (!token) return answer_error(res, token.error());
    answer(res, 200, 0, "ok", {{"available", token->available}, {"frozen", token->frozen}, {"total", token->total}});
  });

  s.Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)", [this](const httplib::Request& req, httplib::Response& res) {
    auto token = authenticate(req);
    if (!token) return answer_error(res, token.error());
    auto session = owned_session(req.matches[1], *token);
    if (!session) return answer_error(res, session.error());
    auto state = service->state(session->id);
    if (!state) return answer_error(res, state.error());
    answer(res, 200, 0, "ok", {{"state", *state}});
  });

  post_route(s, "/api/render/proxy/lambda", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    start_render(req, res, reader);
  });

  s.Get(R"(/api/render/proxy/lambda/([A-Za-z0-9_\-]{1,64}))", [this](const httplib::Request& req, httplib::Response& res) {
    auto token = authenticate(req);
    if (!token) return answer_error(res, token.error());
    auto r = store->render(std::string(req.matches[1]));
    if (!r) return answer_error(res, r.error());
    if (!*r || (*r)->owner != token->hash) return answer(res, 404, 1002, "No such render.");
    json data = {{"id", (*r)->id}, {"status", render_status_name((*r)->status)}};
    if ((*r)->status == RenderStatus::kCompleted) {
      const std::string name = fs::path((*r)->file).filename().string();
      data["output"] = {{"url", base_url() + "/download/" + (*r)->download_key + "/" + name}, {"expires_at", (*r)->expires_ms / 1000}};
    }
    if ((*r)->status == RenderStatus::kFailed) data["error"] = (*r)->error;
    answer(res, 200, 0, "ok", data);
  });

  // The download link is its own key: unguessable, and it expires.
  s.Get(R"(/download/([0-9a-f]{48})/[^/]*)", [this](const httplib::Request& req, httplib::Response& res) {
    auto r = store->render_by_key(std::string(req.matches[1]));
    if (!r || !*r || (*r)->status != RenderStatus::kCompleted) return answer(res, 404, 404, "No such file.");
    if ((*r)->expires_ms < now_ms()) return answer(res, 410, 410, "This link has expired: export again.");
    const fs::path file = store->absolute((*r)->file);
    auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (!*in || ec) return answer(res, 404, 404, "No such file.");
    const std::string type = file.extension() == ".m4a" ? "audio/mp4" : "video/" + file.extension().string().substr(1);
    res.set_content_provider(size, type, [in](size_t offset, size_t length, httplib::DataSink& sink) {
      std::vector<char> buf(std::min<size_t>(length, 1 << 16));
      in->seekg(static_cast<std::streamoff>(offset));
      in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const auto got = static_cast<size_t>(in->gcount());
      return got > 0 && sink.write(buf.data(), got);
    });
  });
}

void NemoServer::Impl::chat(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  auto token = authenticate(req);
  if (!token) return answer_error(res, token.error());
  auto body = read_json_body(reader);
  if (!body) return answer_error(res, body.error());
  auto session = owned_session(json_field<std::string>(*body, "session_id", ""), *token);
  if (!session) return answer_error(res, session.error());
  std::string message;
  const json none = json::array();
  const json* parts = &none;
  if (const auto m = body->find("new_message"); m != body->end() && m->is_object() && m->contains("parts") && (*m)["parts"].is_array())
    parts = &(*m)["parts"];
  for (const auto& p : *parts) {
    const std::string text = json_field<std::string>(p, "text", "");
    if (!text.empty()) message += (message.empty() ? "" : "\n") + text;
  }
  if (auto ok = check_prompt_length(message); !ok) return answer_error(res, ok.error());

  auto channel = std::make_shared<EventChannel>();
  const std::string invocation = random_id("inv_", 8);
  const std::string sid = session->id, owner = token->hash;
  auto submitted = queue->submit(owner, [this, channel, invocation, sid, owner, message](const CancelToken* cancel) {
    int calls = 0;
    std::map<const AgentCall*, std::string> ids;
    auto call_id = [&](const AgentCall& c) {
      auto it = ids.find(&c);
      if (it == ids.end()) it = ids.emplace(&c, "call_" + std::to_string(++calls)).first;
      return it->second;
    };
    int64_t frozen = 0;
    ChatEvents ev;
    ev.text = [&](const std::string& t) { channel->push(text_event(invocation, t, true)); };
    ev.call = [&](const AgentCall& c) { channel->push(call_event(invocation, call_id(c), c.name, c.args)); };
    ev.call_done = [&](const AgentCall& c, const json& r) { channel->push(response_event(invocation, call_id(c), c.name, r)); };
    ev.before_render = [&](double seconds) -> Status {
      const auto cost = static_cast<int64_t>(std::ceil(seconds / 10.0));  // one credit per started 10 s of music
      auto ok = store->freeze_credits(owner, cost);
      if (!ok) return ok.error();
      if (!*ok) return Error(ErrorCode::kQuota, "Out of credits: this needs " + std::to_string(cost) + ".", 2001);
      frozen = cost;
      return {};
    };
    ev.after_render = [&](bool made) {
      (void)store->settle_credits(owner, frozen, made ? frozen : 0);
      frozen = 0;
    };
    try {
      auto out = service->chat(sid, message, ev, cancel);
      if (out) channel->push(text_event(invocation, out->reply, false));
      else channel->push(error_event(invocation, sse_code(out.error()), out.error().message));
    } catch (const std::exception& e) {
      // A bug must not leave the stream waiting forever: it ends with the error, and the credits are released.
      if (frozen) (void)store->settle_credits(owner, frozen, 0);
      channel->push(error_event(invocation, 500, std::string("Something went wrong on the server: ") + e.what()));
    }
    channel->close();
  });
  if (!submitted) return answer_error(res, submitted.error());
  const auto heartbeat = std::chrono::milliseconds(static_cast<int64_t>(10000 * options.time_scale));
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Connection", "close");  // a turn is one long answer; the next request opens its own connection
  ++streams;
  // Counted until its last event is written (or the client is gone): stop() waits for that.
  auto counted = std::make_shared<std::atomic<bool>>(true);
  auto uncount = [this, counted] {
    if (counted->exchange(false)) --streams;
  };
  res.set_chunked_content_provider("text/event-stream", [channel, heartbeat, uncount](size_t, httplib::DataSink& sink) {
    bool finished = false;
    auto lines = channel->wait_and_take(std::max(heartbeat, std::chrono::milliseconds(10)), finished);
    if (lines.empty() && !finished) {
      const std::string beat = ": heartbeat\n\n";
      return sink.write(beat.data(), beat.size());
    }
    for (const auto& l : lines)
      if (!sink.write(l.data(), l.size())) return false;  // the client left; the turn still completes
    if (finished) {
      sink.done();
      uncount();
    }
    return true;
  }, [uncount](bool) { uncount(); });
}

void NemoServer::Impl::upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  auto token = authenticate(req);
  if (!token) return answer_error(res, token.error());
  auto session = owned_session(req.matches[1], *token);
  if (!session) return answer_error(res, session.error());
  auto folder = store->media_file_for(session->id, random_id("part_"), ".upload");
  if (!folder) return answer_error(res, folder.error());
  const fs::path part = store->absolute(*folder);
  json uploaded = json::array();
  auto take = [&](const fs::path& file, const std::string& name) -> Status {
    auto m = service->add_upload(session->id, file, name, nullptr);
    if (!m) return m.error();
    json item = m->info;
    item["id"] = m->id;
    item["name"] = m->name;
    uploaded.push_back(item);
    return {};
  };
  auto fail = [&](const Error& e) {
    std::error_code ec;
    fs::remove(part, ec);
    if (e.message.find("over 500 MB") != std::string::npos) return answer(res, 413, 4002, e.message);
    if (e.code == ErrorCode::kUnsupported) return answer(res, 415, 4001, e.message);
    answer_error(res, e);
  };
  const std::string length = req.get_header_value("Content-Length");
  if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > kMaxUploadBytes + kMultipartSlack) {
    return answer(res, 413, 4002, "The file is over 500 MB. Compress or trim it, then upload again.");
  }
  if (req.is_multipart_form_data()) {
    std::unique_ptr<FILE, int (*)(FILE*)> out(nullptr, &std::fclose);
    std::string name;
    uint64_t written = 0;
    bool over = false, write_failed = false, got_file = false;
    std::vector<std::pair<fs::path, std::string>> files;
    int index = 0;
    const bool ok = reader(
        [&](const httplib::MultipartFormData& field) {
          out.reset();
          if (field.name != "files") return true;  // other fields are ignored
          if (files.size() >= 16) return false;
          name = field.filename.empty() ? "upload" : field.filename;
          const fs::path p = part.string() + std::to_string(index++);
          out.reset(std::fopen(p.c_str(), "wb"));
          if (!out) return write_failed = true, false;
          files.emplace_back(p, name);
          written = 0;
          got_file = true;
          return true;
        },
        [&](const char* data, size_t n) {
          if (!out) return true;
          written += n;
          if (written > kMaxUploadBytes) return over = true, false;
          if (std::fwrite(data, 1, n, out.get()) != n) return write_failed = true, false;
          return true;
        });
    out.reset();
    auto cleanup = [&] {
      std::error_code ec;
      for (const auto& f : files) fs::remove(f.first, ec);
    };
    if (over) return cleanup(), answer(res, 413, 4002, "The file is over 500 MB. Compress or trim it, then upload again.");
    if (write_failed || !ok) return cleanup(), answer(res, 400, 400, "The upload was cut off or could not be stored.");
    if (!got_file) return answer(res, 400, 400, "Send the file in a multipart field named \"files\".");
    for (const auto& [p, n] : files) {
      if (auto st = take(p, n); !st) return cleanup(), fail(st.error());
    }
  } else {
    auto body = read_json_body(reader);
    if (!body) return answer_error(res, body.error());
    if (!body->contains("urls") || !(*body)["urls"].is_array() || (*body)["urls"].empty() || (*body)["urls"].size() > 16) {
      return answer(res, 400, 400, "Send a multipart field \"files\", or JSON {\"urls\": [\"https://...\"]}.");
    }
    for (const auto& u : (*body)["urls"]) {
      if (!u.is_string()) return answer(res, 400, 400, "Each URL must be a string.");
      auto name = fetch_url(u.get<std::string>(), part, kMaxUploadBytes, nullptr);
      if (!name) return fail(name.error());
      if (auto st = take(part, *name); !st) return fail(st.error());
    }
  }
  answer(res, 200, 0, "ok", {{"files", uploaded}});
}

void NemoServer::Impl::start_render(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  auto token = authenticate(req);
  if (!token) return answer_error(res, token.error());
  if (req.get_header_value("X-Skill-Source").empty() || req.get_header_value("X-Skill-Version").empty() ||
      req.get_header_value("X-Skill-Platform").empty()) {
    return answer(res, 402, 402, "Export needs the attribution headers X-Skill-Source, X-Skill-Version and X-Skill-Platform.");
  }
  auto body = read_json_body(reader);
  if (!body) return answer_error(res, body.error());
  auto session = owned_session(json_field<std::string>(*body, "sessionId", ""), *token);
  if (!session) return answer_error(res, session.error());
  const std::string id = json_field<std::string>(*body, "id", "");
  if (id.empty() || id.size() > 64 || id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return answer(res, 400, 400, "The render id must be 1-64 letters, digits, '_' or '-' (e.g. render_1733000000).");
  }
  auto existing = store->render(id);
  if (existing && *existing) {
    if ((*existing)->owner != token->hash) return answer(res, 409, 409, "That render id is taken: choose another.");
    return answer(res, 200, 0, "ok", {{"id", id}, {"status", render_status_name((*existing)->status)}});
  }
  json draft_json = body->contains("draft") ? (*body)["draft"] : session->draft.as_json();
  auto draft = Draft::from_json(draft_json);
  if (!draft) return answer_error(res, draft.error());
  if (!draft->music()) return answer(res, 400, 400, "Nothing to export yet: ask for music first.");
  RenderRecord r;
  r.id = id;
  r.session = session->id;
  r.owner = token->hash;
  r.draft = draft->as_json();
  r.format = body->contains("output") ? json_field<std::string>((*body)["output"], "format", "mp4") : "mp4";
  if (r.format != "mp4" && r.format != "mov" && r.format != "mkv" && r.format != "webm") r.format = "mp4";
  r.created_ms = now_ms();
  if (auto ok = store->put_render(r); !ok) return answer_error(res, ok.error());
  if (auto ok = queue->submit(token->hash, [this, r](const CancelToken* cancel) { run_render(r, cancel); }); !ok) {
    r.status = RenderStatus::kFailed;
    r.error = ok.error().message;
    (void)store->put_render(r);
    return answer_error(res, ok.error());
  }
  answer(res, 200, 0, "ok", {{"id", id}, {"status", "queued"}});
}

NemoServer::NemoServer(ServeOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }

NemoServer::~NemoServer() { stop(); }

Status NemoServer::start() {
  Impl& s = *impl_;
  auto store = SessionStore::open(s.options.data_dir);
  if (!store) return store.error();
  s.store = std::move(store).value();
  ServiceOptions service;
  service.synth = s.options.synth;
  service.synth.cpu_cores = 1;  // the workers are the parallelism
  s.service = std::make_unique<SessionService>(*s.store, service);
  if (auto ok = s.load_token_file(); !ok) return ok;
  const int workers = s.options.workers > 0 ? s.options.workers : std::max(1u, std::thread::hardware_concurrency());
  s.queue = std::make_unique<WorkQueue>(workers, kMaxWaitingPerToken, kMaxWaiting);
  if (s.options.tls_cert && s.options.tls_key) {
    auto tls = std::make_unique<httplib::SSLServer>(s.options.tls_cert->c_str(), s.options.tls_key->c_str());
    if (!tls->is_valid()) return make_error(ErrorCode::kInvalidArgument, "Could not load the TLS certificate or key.");
    s.http = std::move(tls);
  } else {
    s.http = std::make_unique<httplib::Server>();
  }
  s.http->new_task_queue = [] { return new httplib::ThreadPool(64); };
  s.http->set_payload_max_length(kMaxUploadBytes + kMultipartSlack);
  s.http->set_tcp_nodelay(true);  // small answers (state, credits) go out at once, not after a delayed ACK
  s.http->set_read_timeout(60);
  s.http->set_keep_alive_timeout(2);  // an idle connection holds a thread (and a stop) at most 2 s
  s.http->set_write_timeout(60);
  s.routes();
  if (s.options.port == 0) {
    s.port = s.http->bind_to_any_port(s.options.host);
    if (s.port <= 0) return make_error(ErrorCode::kIo, "Could not listen on " + s.options.host + ".");
  } else {
    if (!s.http->bind_to_port(s.options.host, s.options.port)) {
      return make_error(ErrorCode::kIo, "Could not listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                                            " (in use, or not an address of this machine).");
    }
    s.port = s.options.port;
  }
  // Renders a stopped server left: run again.
  if (auto left = s.store->unfinished_renders()) {
    for (auto& r : *left) {
      if (!s.queue->submit(r.owner, [&s, r](const CancelToken* cancel) { s.run_render(r, cancel); })) {
        r.status = RenderStatus::kFailed;
        r.error = "The server restarted with too much work waiting: export again.";
        (void)s.store->put_render(r);
      }
    }
  }
  s.listener = std::thread([&s] { s.http->listen_after_bind(); });
  // Serving before returning: a stop() right after start() must find the server running to end it.
  for (int i = 0; i < 500 && !s.http->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return {};
}

std::string NemoServer::url() const { return impl_->base_url(); }

void NemoServer::stop() {
  Impl& s = *impl_;
  // The work first: running turns are cancelled and every stream in flight gets its final event; the HTTP server
  // stops writing chunked answers once it is stopping, so it stops only when those streams are written (or after
  // 5 s). Renders stay in the database, to be run again at the next start.
  if (s.queue) s.queue->shutdown();
  for (int i = 0; i < 500 && s.streams > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (s.http) s.http->stop();
  if (s.listener.joinable()) s.listener.join();
  s.http.reset();
}

}  // namespace bgm
