#include "support/nemo_client.h"

#include <chrono>
#include <thread>

#include "http/sse_parser.h"

namespace bgm::test {
using json = nlohmann::json;

std::string ChatStream::final_text() const {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (!it->value("partial", false) && (*it)["content"]["parts"][0].contains("text")) return (*it)["content"]["parts"][0]["text"];
  return {};
}

std::string ChatStream::partial_text() const {
  std::string out;
  for (const auto& e : events)
    if (e.value("partial", false)) out += e["content"]["parts"][0]["text"].get<std::string>();
  return out;
}

std::vector<std::pair<std::string, std::string>> NemoClient::auth() const {
  std::vector<std::pair<std::string, std::string>> h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return h;
}

Answer NemoClient::call(const std::string& method, const std::string& path, const std::string& body,
                        std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.method = method;
  r.url = base_ + path;
  r.body = body;
  r.headers = auth();
  r.headers.insert(r.headers.end(), headers.begin(), headers.end());
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.timeout_s = 600;
  auto res = http_.send(r);
  if (!res) return Answer{0, json{{"code", -1}, {"message", res.error().message}}};
  json j = json::parse(res->body, nullptr, false);
  return Answer{res->status, j.is_discarded() ? json{{"code", -2}, {"raw", res->body}} : j};
}

Answer NemoClient::anonymous_token(const std::string& client_id) {
  std::vector<std::pair<std::string, std::string>> h;
  if (!client_id.empty()) h.emplace_back("X-Client-Id", client_id);
  Answer a = call("POST", "/api/auth/anonymous-token", "", h);
  if (a.code() == 0) token = a.data()["token"];
  return a;
}

Answer NemoClient::new_session(const std::string& language) {
  Answer a = call("POST", "/api/tasks/me/with-session/nemo_agent", json{{"task_name", "project"}, {"language", language}}.dump());
  if (a.code() == 0) session = a.data()["session_id"];
  return a;
}

Answer NemoClient::upload(const std::filesystem::path& file, const std::string& name) {
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/api/upload-video/nemo_agent/me/" + session;
  r.headers = auth();
  r.file = file;
  r.file_name = name;
  r.timeout_s = 600;
  auto res = http_.send(r);
  if (!res) return Answer{0, json{{"code", -1}, {"message", res.error().message}}};
  json j = json::parse(res->body, nullptr, false);
  return Answer{res->status, j.is_discarded() ? json{{"code", -2}} : j};
}

Answer NemoClient::upload_urls(const json& urls) {
  return call("POST", "/api/upload-video/nemo_agent/me/" + session, json{{"urls", urls}, {"source_type", "url"}}.dump());
}

ChatStream NemoClient::chat(const std::string& text) {
  ChatStream out;
  HttpRequest r;
  r.method = "POST";
  r.url = base_ + "/run_sse";
  r.headers = auth();
  r.headers.emplace_back("Accept", "text/event-stream");
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = json{{"app_name", "nemo_agent"}, {"user_id", "me"}, {"session_id", session}, {"new_message", {{"parts", {{{"text", text}}}}}}}.dump();
  SseParser parser(
      [&](const SseEvent& e) {
        json j = json::parse(e.data, nullptr, false);
        if (!j.is_discarded()) out.events.push_back(j);
        return true;
      },
      [&] { ++out.heartbeats; });
  std::string raw;
  auto res = http_.stream(r, [&](std::string_view bytes) {
    raw.append(bytes);
    return parser.feed(bytes);
  });
  if (res) out.http = res->status;
  if (out.events.empty()) out.error_body = raw;
  return out;
}

Answer NemoClient::credits() { return call("GET", "/api/credits/balance/simple"); }
Answer NemoClient::state() { return call("GET", "/api/state/nemo_agent/me/" + session + "/latest"); }

Answer NemoClient::start_export(const std::string& id, const json& draft) {
  json body = {{"id", id}, {"sessionId", session}, {"output", {{"format", "mp4"}, {"quality", "high"}}}};
  if (!draft.is_null()) body["draft"] = draft;
  std::vector<std::pair<std::string, std::string>> h;
  if (attribution) h = {{"X-Skill-Source", "topmediai-ai-music"}, {"X-Skill-Version", "1.0"}, {"X-Skill-Platform", "unknown"}};
  return call("POST", "/api/render/proxy/lambda", body.dump(), h);
}

Answer NemoClient::export_status(const std::string& id) { return call("GET", "/api/render/proxy/lambda/" + id); }

Answer NemoClient::export_and_download(const std::string& id, const std::filesystem::path& to, double seconds, int poll_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  Answer a;
  for (;;) {
    a = export_status(id);
    const std::string status = a.code() == 0 ? a.data().value("status", "") : "";
    const bool over_rate = a.code() == 429;  // as a polite client does: wait, then ask again
    if (status == "completed" || status == "failed" || (a.code() != 0 && !over_rate) || std::chrono::steady_clock::now() > until) break;
    // Four polls a second (the default) stay under the server's 300 requests a minute per token, however long a render takes
    // (under ASan, eight renders on two cores take over 15 s; polling every 50 ms then ran into 429).
    std::this_thread::sleep_for(std::chrono::milliseconds(over_rate ? 2000 : poll_ms));
  }
  if (a.code() == 0 && a.data().value("status", "") == "completed") {
    HttpRequest r;
    r.url = a.data()["output"]["url"];
    r.save_to = to;
    r.timeout_s = 600;
    auto res = http_.send(r);
    if (!res || res->status != 200) a.body["download_failed"] = true;
  }
  return a;
}

}  // namespace bgm::test
