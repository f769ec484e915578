#pragma once
// A small NemoVideo API client for the tests: real HTTP over loopback with libcurl, one call per endpoint,
// answers as JSON, the chat stream as the list of its events (and how many heartbeats came).

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_client.h"

namespace bgm::test {

struct Answer {
  long http = 0;
  nlohmann::json body;  // {"code", "message", "data"}
  int code() const { return body.value("code", -1); }
  const nlohmann::json& data() const { return body["data"]; }
};

struct ChatStream {
  long http = 0;
  std::vector<nlohmann::json> events;
  int heartbeats = 0;
  std::string error_body;  // when the answer was not a stream
  // The final event's text ("" when none).
  std::string final_text() const;
  std::string partial_text() const;  // the partial chunks joined
};

class NemoClient {
 public:
  explicit NemoClient(std::string base) : base_(std::move(base)) {}
  std::string token;
  std::string session;
  bool attribution = true;

  Answer anonymous_token(const std::string& client_id);
  Answer new_session(const std::string& language = "en");
  Answer upload(const std::filesystem::path& file, const std::string& name = "");
  Answer upload_urls(const nlohmann::json& urls);
  ChatStream chat(const std::string& text);
  Answer credits();
  Answer state();
  Answer start_export(const std::string& id, const nlohmann::json& draft = nullptr);
  Answer export_status(const std::string& id);
  // Polls until completed or failed (every 50 ms, at most `seconds`), then downloads to `to`. Returns the last status.
  Answer export_and_download(const std::string& id, const std::filesystem::path& to, double seconds = 120, int poll_ms = 250);
  Answer call(const std::string& method, const std::string& path, const std::string& body = "",
              std::vector<std::pair<std::string, std::string>> headers = {});

 private:
  std::vector<std::pair<std::string, std::string>> auth() const;
  std::string base_;
  HttpClient http_;
};

}  // namespace bgm::test
