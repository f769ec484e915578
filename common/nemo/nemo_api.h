#pragma once
// The NemoVideo API on the wire: the token (configured, or anonymous with a client id kept on disk), the
// attribution headers on every request, the answer envelope {"code", "message", "data"}, and the recoveries the
// protocol names: 1001 -> a new anonymous token and one retry (a configured token: a clear "expired"); 400 on the
// token call -> a new client id and one retry; 429 -> wait 30 s and one retry; network errors and 5xx -> bounded
// retries with backoff (only for what may be sent twice). Every other code becomes an Error in plain words, with
// the registration or top-up link where there is one. Tokens never reach a message, a log or an exception.
// Thread: one NemoApi per thread (it owns one connection); NemoCredentials may be shared between them.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/result.h"
#include "http/http_client.h"
#include "nemo/nemo_config.h"
#include "nemo/nemo_protocol.h"

namespace bgm {

// Who the client is to one server: the client id (kept for the registration link) and the token in use. An
// anonymous token is kept in <state_dir>/nemovideo-credentials.json (owner-only), per API base.
// Thread: any; members lock.
class NemoCredentials {
 public:
  explicit NemoCredentials(const NemoConfig& config);
  bool anonymous() const;  // no configured token
  std::string token() const;
  std::string client_id();  // made (a UUID) and kept at first use
  std::string new_client_id();
  void set_anonymous_token(const std::string& token);
  void forget_token();

 private:
  void save_locked() const;
  const std::string api_base_;
  const std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::string configured_, token_, client_id_;
};

struct NemoCall {
  std::string method = "GET";
  std::string path;                                    // below the API base ("/api/credits/balance/simple")
  std::optional<nlohmann::json> body;                  // sent as JSON
  std::optional<std::filesystem::path> file;           // a multipart upload (field "files")
  std::string file_name;
  std::function<void(int64_t done, int64_t total)> progress;
  bool may_repeat = true;  // may be sent again after a network failure or a 5xx
};

class NemoApi {
 public:
  NemoApi(NemoConfig config, std::shared_ptr<NemoCredentials> credentials);
  const NemoConfig& config() const { return config_; }
  NemoCredentials& credentials() { return *credentials_; }

  // A token to work with: the configured one, the kept anonymous one, or a new anonymous one.
  // Errors: kAuth, kNetwork, kCancelled.
  Status ensure_token(const CancelToken* cancel);
  // One call; returns the envelope's `data` ({} when absent). Errors: see the file comment; kCancelled.
  Result<nlohmann::json> call(const NemoCall& call, const CancelToken* cancel);
  // The chat stream: POST `path` with `body`, the answer's bytes handed to `on_data` as they come; `tick` about
  // once a second. An error answer (not a stream) is an Error like call()'s; recoveries as call(), but a request
  // that reached the server is never sent again. Returns the HTTP status of a stream that ended.
  Result<long> stream(const std::string& path, const nlohmann::json& body, const std::function<bool(std::string_view)>& on_data,
                      const std::function<void()>& tick, const CancelToken* cancel);
  // Whether the last stream()'s request reached the server (false: it was never taken, safe to report at once).
  bool last_request_sent() const { return http_.request_sent(); }
  // Downloads `url` into `part`, continuing from the bytes already there; sends the token only to the API's own
  // host. Errors: kNetwork (cut off, after retries), kNotFoundRemote (gone or expired), kIo, kCancelled.
  Status download(const std::string& url, const std::filesystem::path& part, const std::function<void(int64_t, int64_t)>& progress,
                  const CancelToken* cancel);

  // The link an anonymous user registers at (register_url?bind=<client id>).
  std::string registration_url();
  // The Error for a protocol code (2001, 4001, 4002, 402, 429, 1002...).
  Error error_for(int code, long http, const std::string& server_message);

 private:
  Status new_anonymous_token(const CancelToken* cancel);
  // The recoveries a refused request may take once each (1001: a new free token; 429: wait 30 s). True: send it
  // again; false: none applies.
  struct Recovery {
    bool renewed = false, waited = false;
  };
  Result<bool> recover(int code, Recovery& done, const CancelToken* cancel);
  std::vector<std::pair<std::string, std::string>> headers(bool json_body) const;
  bool same_host(const std::string& url) const;
  std::chrono::milliseconds backoff(int attempt) const;

  NemoConfig config_;
  std::shared_ptr<NemoCredentials> credentials_;
  HttpClient http_;
};

// Whether the service accepts a file of this type (nemo::kFormats, the seed's list).
bool nemo_accepts_extension(std::string_view lower_extension);

// Waits `duration` unless cancelled (false then); no token: just waits.
bool cancel_sleep(const CancelToken* cancel, std::chrono::milliseconds duration);

}  // namespace bgm
