#include "support/fault_server.h"

#include <chrono>

#include <httplib.h>

namespace bgm::test {
using json = nlohmann::json;

namespace {

json envelope(int code, const std::string& message, const json& data = json::object()) {
  return json{{"code", code}, {"message", message}, {"data", data}};
}

}  // namespace

std::string Recorded::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) return v;
  }
  return {};
}

struct FaultServer::Impl {
  httplib::Server http;
  std::thread thread;
  mutable std::mutex mutex;
  std::map<Route, std::deque<Canned>> scripts;
  std::map<Route, std::vector<Recorded>> log;
  std::set<std::string> tokens, sessions;
  int next = 0;
  json state = json{{"draft", json{{"t", json::array()}, {"d", 0}}}, {"video_infos", json::array()}, {"generated_media", json::array()}};
  std::atomic<bool> stopping{false};

  std::optional<Canned> take(Route r, const httplib::Request& req) {
    std::lock_guard lock(mutex);
    Recorded rec{req.method, req.path, req.body, {}};
    for (const auto& [k, v] : req.headers) rec.headers[k] = v;
    if (req.is_multipart_form_data()) {  // "files=name:bytes;..."
      rec.body.clear();
      for (const auto& [field, f] : req.files) rec.body += field + "=" + f.filename + ":" + std::to_string(f.content.size()) + ";";
    }
    log[r].push_back(std::move(rec));
    auto& q = scripts[r];
    if (q.empty()) return std::nullopt;
    Canned c = std::move(q.front());
    q.pop_front();
    return c;
  }

  // The token check every route but the token's makes: a missing or expired token is 1001.
  bool authorized(const httplib::Request& req) {
    const std::string h = req.get_header_value("Authorization");
    std::lock_guard lock(mutex);
    return h.rfind("Bearer ", 0) == 0 && tokens.count(h.substr(7));
  }

  void pause(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // A scripted answer: the envelope or raw bytes, after a stall if asked.
  bool answer_canned(const Canned& c, httplib::Response& res) {
    res.status = c.http;
    const std::string body = !c.raw.empty() ? c.raw : c.body.dump();
    if (c.endless > 0) {
      res.set_content_provider(static_cast<size_t>(c.endless), "application/json", [this](size_t, size_t length, httplib::DataSink& sink) {
        static const std::string zeros(1 << 16, '0');
        return !stopping && sink.write(zeros.data(), std::min(length, zeros.size()));
      });
    } else if (c.stall_ms > 0) {
      const int stall = c.stall_ms;
      res.set_chunked_content_provider("application/json", [this, stall, body](size_t, httplib::DataSink& sink) {
        pause(stall);
        sink.write(body.data(), body.size());
        sink.done();
        return true;
      });
    } else {
      res.set_content(body, "application/json");
    }
    if (c.then) c.then();
    return true;
  }

  template <typename Fn>
  void route(Route r, const httplib::Request& req, httplib::Response& res, bool needs_token, Fn default_answer) {
    auto c = take(r, req);
    const bool canned = c && (!c->body.is_null() || !c->raw.empty() || c->stall_ms > 0 || c->endless > 0);
    if (canned && r != Route::kChat && (r != Route::kDownload || c->http != 200)) {
      const_cast<httplib::Request&>(req).ranges.clear();  // sent as scripted: httplib would answer a Range of it with 416
      answer_canned(*c, res);
      return;
    }
    if (needs_token && !authorized(req)) {
      res.status = 401;
      res.set_content(envelope(1001, "token expired").dump(), "application/json");
      return;
    }
    default_answer(c);
  }
};

FaultServer::FaultServer() : impl_(std::make_unique<Impl>()) {
  auto& s = impl_->http;
  Impl* im = impl_.get();
  s.Post("/api/auth/anonymous-token", [im](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kToken, req, res, false, [&](const std::optional<Canned>&) {
      if (req.get_header_value("X-Client-Id").empty()) return res.set_content(envelope(400, "X-Client-Id required").dump(), "application/json"), void(res.status = 400);
      std::lock_guard lock(im->mutex);
      const std::string token = "anon-token-" + std::to_string(++im->next) + "-secretpart";
      im->tokens.insert(token);
      res.set_content(envelope(0, "ok", {{"token", token}, {"credits", 100}}).dump(), "application/json");
    });
  });
  s.Post("/api/tasks/me/with-session/nemo_agent", [im](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kSession, req, res, true, [&](const std::optional<Canned>&) {
      std::lock_guard lock(im->mutex);
      const std::string sid = "s_" + std::to_string(++im->next);
      im->sessions.insert(sid);
      res.set_content(envelope(0, "ok", {{"session_id", sid}, {"task_id", "t_" + sid}}).dump(), "application/json");
    });
  });
  auto session_known = [im](const std::string& sid) {
    std::lock_guard lock(im->mutex);
    return im->sessions.count(sid) > 0;
  };
  s.Post("/api/upload-video/nemo_agent/me/([^/]+)", [im, session_known](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kUpload, req, res, true, [&](const std::optional<Canned>&) {
      if (!session_known(req.matches[1])) return res.set_content(envelope(1002, "no session").dump(), "application/json"), void(res.status = 404);
      json files = json::array();
      for (const auto& [field, f] : req.files) files.push_back({{"field", field}, {"name", f.filename}, {"size", f.content.size()}});
      res.set_content(envelope(0, "ok", {{"files", files}}).dump(), "application/json");
    });
  });
  s.Get("/api/credits/balance/simple", [im](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kCredits, req, res, true, [&](const std::optional<Canned>&) {
      res.set_content(envelope(0, "ok", {{"available", 87}, {"frozen", 3}, {"total", 90}}).dump(), "application/json");
    });
  });
  s.Get("/api/state/nemo_agent/me/([^/]+)/latest", [im, session_known](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kState, req, res, true, [&](const std::optional<Canned>&) {
      if (!session_known(req.matches[1])) return res.set_content(envelope(1002, "no session").dump(), "application/json"), void(res.status = 404);
      std::lock_guard lock(im->mutex);
      res.set_content(envelope(0, "ok", {{"state", im->state}}).dump(), "application/json");
    });
  });
  s.Post("/run_sse", [im, session_known](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kChat, req, res, true, [&](const std::optional<Canned>& c) {
      const json body = json::parse(req.body, nullptr, false);
      const std::string sid = body.is_object() ? body.value("session_id", "") : "";
      if (!session_known(sid)) return res.set_content(envelope(1002, "no session").dump(), "application/json"), void(res.status = 404);
      if (c && (!c->body.is_null() || !c->raw.empty())) {
        res.status = c->http;
        return res.set_content(!c->raw.empty() ? c->raw : c->body.dump(), "application/json");
      }
      std::vector<std::string> pieces;
      int gap = 0;
      bool drop = false, repeat = false;
      if (c) {
        pieces = c->sse, gap = c->gap_ms, drop = c->drop, repeat = c->repeat;
        if (c->then) c->then();
      } else {  // the default agent: music on the timeline, said in two chunks and a final event
        {
          std::lock_guard lock(im->mutex);
          im->state["draft"] = music_draft();
        }
        pieces = {sse_event(text_event("I made Lo-fi music ", true)), sse_event(text_event("for your video.", true)),
                  sse_event(json{{"content", {{"parts", json::array({{{"functionCall", {{"id", "c1"}, {"name", "generate_music"}, {"args", json::object()}}}}})}}}}),
                  sse_event(text_event("I made Lo-fi music for your video.", false))};
      }
      auto index = std::make_shared<size_t>(0);
      res.set_chunked_content_provider("text/event-stream", [im, pieces, gap, drop, repeat, index](size_t, httplib::DataSink& sink) {
        if (im->stopping) return false;
        if (repeat && !pieces.empty()) *index %= pieces.size();
        if (*index < pieces.size()) {
          if (*index > 0 && gap > 0) im->pause(gap);
          const std::string& p = pieces[(*index)++];
          return sink.write(p.data(), p.size());
        }
        if (drop) return false;  // cut: no end of the chunked body
        sink.done();
        return true;
      });
    });
  });
  s.Post("/api/render/proxy/lambda", [im](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kRender, req, res, true, [&](const std::optional<Canned>&) {
      const json body = json::parse(req.body, nullptr, false);
      res.set_content(envelope(0, "ok", {{"id", body.is_object() ? body.value("id", "") : ""}, {"status", "queued"}}).dump(), "application/json");
    });
  });
  s.Get("/api/render/proxy/lambda/([A-Za-z0-9_]+)", [im, this](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kRenderStatus, req, res, true, [&](const std::optional<Canned>&) {
      res.set_content(envelope(0, "ok", {{"id", std::string(req.matches[1])}, {"status", "completed"},
                                         {"output", {{"url", base() + "/files/result.mp4?sig=abc"}}}}).dump(), "application/json");
    });
  });
  s.Get("/files/result.mp4", [im, this](const httplib::Request& req, httplib::Response& res) {
    im->route(Route::kDownload, req, res, false, [&](const std::optional<Canned>& c) {
      const std::string body = file_body;
      if (c && c->drop && !req.has_header("Range")) {
        // Announces the whole file, sends half, and hangs up.
        res.set_content_provider(body.size(), "video/mp4", [body](size_t offset, size_t, httplib::DataSink& sink) {
          if (offset >= body.size() / 2) return false;
          sink.write(body.data() + offset, body.size() / 2 - offset);
          return true;
        });
        return;
      }
      res.set_content(body, "video/mp4");  // httplib answers a Range with 206 and the asked bytes
    });
  });
  port_ = s.bind_to_any_port("127.0.0.1");
  impl_->thread = std::thread([im] { im->http.listen_after_bind(); });
  while (!s.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

FaultServer::~FaultServer() {
  impl_->stopping = true;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void FaultServer::script(Route route, Canned canned) {
  std::lock_guard lock(impl_->mutex);
  impl_->scripts[route].push_back(std::move(canned));
}

std::vector<Recorded> FaultServer::requests(Route route) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->log.find(route);
  return it == impl_->log.end() ? std::vector<Recorded>{} : it->second;
}

std::vector<Recorded> FaultServer::all_requests() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<Recorded> out;
  for (const auto& [r, list] : impl_->log) out.insert(out.end(), list.begin(), list.end());
  return out;
}

void FaultServer::expire_tokens() {
  std::lock_guard lock(impl_->mutex);
  impl_->tokens.clear();
}

void FaultServer::forget_sessions() {
  std::lock_guard lock(impl_->mutex);
  impl_->sessions.clear();
}

void FaultServer::set_state(const json& state) {
  std::lock_guard lock(impl_->mutex);
  impl_->state = state;
}

json FaultServer::state() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state;
}

json FaultServer::music_draft(double volume, const std::string& style, const std::string& name) {
  return json{{"d", 8000},
              {"t", json::array({json{{"tt", 0}, {"m", {{"name", "clip"}}}, {"sg", json::array({{{"st", 0}, {"d", 8000}, {"src", "m_1"}}})}},
                                 json{{"tt", 1}, {"m", {{"role", "bgm"}}},
                                      {"sg", json::array({{{"st", 0}, {"d", 8000}, {"vol", volume}, {"src", "m_2"},
                                                           {"m", {{"style", style}, {"style_name", name}, {"seed", 7}, {"duck", true}}}}})}}})}};
}

std::string FaultServer::sse_event(const json& event) { return "data: " + event.dump() + "\n\n"; }

json FaultServer::text_event(const std::string& text, bool partial) {
  json e = {{"author", "nemo_agent"}, {"content", {{"role", "model"}, {"parts", json::array({{{"text", text}}})}}}};
  if (partial) e["partial"] = true;
  else e["turnComplete"] = true;
  return e;
}

}  // namespace bgm::test
