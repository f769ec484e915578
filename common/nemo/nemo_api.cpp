#include "nemo/nemo_api.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/json_field.h"
#include "core/json_read.h"
#include "core/json_text.h"
#include "core/random_id.h"
#include "core/text.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kCredentialsFile = "nemovideo-credentials.json";

// "https://host:port" of a URL (scheme and authority), lower-cased, for comparing where a request goes.
std::string origin_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const auto end = url.find_first_of("/?#", scheme + 3);
  return ascii_lower(std::string_view(url).substr(0, end));
}

std::string host_of(const std::string& url) {
  const std::string o = origin_of(url);
  const auto scheme = o.find("://");
  return scheme == std::string::npos ? url : o.substr(scheme + 3);
}

// The server's own words, shortened, for the few answers where they help (a 400 names the field).
std::string server_words(const std::string& message) {
  std::string m = message.substr(0, 200);
  return m.empty() ? std::string() : " (the service said: " + m + ")";
}

}  // namespace

bool nemo_accepts_extension(std::string_view ext) {
  static constexpr std::string_view kAccepted[] = {"mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac", "jpeg"};
  return std::find(std::begin(kAccepted), std::end(kAccepted), ext) != std::end(kAccepted);
}

// ---- credentials ----

NemoCredentials::NemoCredentials(const NemoConfig& config)
    : api_base_(config.api_base), file_(config.state_dir.empty() ? fs::path() : config.state_dir / kCredentialsFile), configured_(config.token) {
  if (file_.empty()) return;
  json doc = read_json_file(file_, "The credentials file").value_or(json::object());
  if (!doc.is_object()) doc = json::object();
  client_id_ = json_field<std::string>(doc, "client_id", "");
  if (doc.contains("tokens") && doc["tokens"].is_object()) token_ = json_field<std::string>(doc["tokens"], api_base_.c_str(), "");
}

bool NemoCredentials::anonymous() const { return configured_.empty(); }

std::string NemoCredentials::token() const {
  std::lock_guard lock(mutex_);
  return configured_.empty() ? token_ : configured_;
}

std::string NemoCredentials::client_id() {
  std::lock_guard lock(mutex_);
  if (client_id_.empty()) {
    client_id_ = random_uuid();
    save_locked();
  }
  return client_id_;
}

std::string NemoCredentials::new_client_id() {
  std::lock_guard lock(mutex_);
  client_id_ = random_uuid();
  save_locked();
  return client_id_;
}

void NemoCredentials::set_anonymous_token(const std::string& token) {
  std::lock_guard lock(mutex_);
  token_ = token;
  save_locked();
}

void NemoCredentials::forget_token() {
  std::lock_guard lock(mutex_);
  token_.clear();
  save_locked();
}

void NemoCredentials::save_locked() const {
  if (file_.empty()) return;
  // Read again and merged: another backend of this process (the cloud and a render server) keeps its token here too.
  static std::mutex file_mutex;
  std::lock_guard file_lock(file_mutex);
  json doc = json::object();
  doc = read_json_file(file_, "The credentials file").value_or(json::object());
  if (!doc.is_object()) doc = json::object();
  doc["client_id"] = client_id_;
  if (!doc.contains("tokens") || !doc["tokens"].is_object()) doc["tokens"] = json::object();
  if (token_.empty()) doc["tokens"].erase(api_base_);
  else doc["tokens"][api_base_] = token_;
  std::error_code ec;
  if (fs::create_directories(file_.parent_path(), ec)) ::chmod(file_.parent_path().c_str(), 0700);  // made here: ours alone
  (void)write_file_atomically(file_, json_text(doc) + "\n", OutputPolicy{false, true});
}

// ---- the API ----

NemoApi::NemoApi(NemoConfig config, std::shared_ptr<NemoCredentials> credentials)
    : config_(std::move(config)), credentials_(std::move(credentials)) {
  if (!credentials_) credentials_ = std::make_shared<NemoCredentials>(config_);
}

std::vector<std::pair<std::string, std::string>> NemoApi::headers(bool json_body) const {
  std::vector<std::pair<std::string, std::string>> h = {
      {nemo::kHeaderSkillSource, config_.skill_source}, {nemo::kHeaderSkillVersion, config_.skill_version}, {nemo::kHeaderSkillPlatform, config_.skill_platform}};
  if (const std::string t = credentials_->token(); !t.empty()) h.emplace_back("Authorization", "Bearer " + t);
  if (json_body) h.emplace_back("Content-Type", "application/json");
  h.emplace_back("Accept", "application/json");
  return h;
}

std::chrono::milliseconds NemoApi::backoff(int attempt) const { return config_.wait(2.0 * (1 << std::min(attempt, 4))); }

bool NemoApi::same_host(const std::string& url) const { return origin_of(url) == origin_of(config_.api_base); }

std::string NemoApi::registration_url() {
  const std::string& base = config_.register_url;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "bind=" + credentials_->client_id();
}

Error NemoApi::error_for(int code, long http, const std::string& server_message) {
  using nemo::Code;
  switch (static_cast<Code>(code)) {
    case Code::kBadToken:
      return credentials_->anonymous()
                 ? Error(ErrorCode::kAuth, "The service did not accept a new free token. Try again later, or set a token of your own.", code)
                 : Error(ErrorCode::kAuth, "Your NemoVideo token has expired or is not valid: set a new one in the settings (or NEMO_TOKEN).", code);
    case Code::kNoSession: return Error(ErrorCode::kNotFoundRemote, "The session ended on the server.", code);
    case Code::kNoCredits:
      if (credentials_->anonymous()) {
        const std::string link = registration_url();
        return Error(ErrorCode::kQuota, "You have used your free credits. Register (free) to keep going: " + link, code, link).with(ErrorAction::kRegister);
      }
      return Error(ErrorCode::kQuota, "Your account is out of credits. Top up to keep going: " + config_.top_up_url, code, config_.top_up_url)
          .with(ErrorAction::kTopUp);
    case Code::kUnsupportedType:
      return Error(ErrorCode::kUnsupported, std::string("The service does not accept this file type. It accepts: ") + nemo::kFormats + ".", code);
    case Code::kTooLarge:
      return Error(ErrorCode::kInvalidArgument, "The file is over the service's 500 MB limit. Trim it, or make a smaller copy (720p) and use that.", code)
          .with(ErrorAction::kSmallerCopy);
    case Code::kPaidPlan:
      return Error(ErrorCode::kQuota, "Exporting needs a paid NemoVideo plan; this is not about credits.", code, config_.top_up_url).with(ErrorAction::kTopUp);
    case Code::kRateLimited: return Error(ErrorCode::kRateLimited, "The service is busy (too many requests). Wait a minute, then try again.", code);
    case Code::kBadRequest: return Error(ErrorCode::kInvalidArgument, "The service refused the request" + server_words(server_message) + ".", code);
    default: break;
  }
  if (http >= 500 || code >= 500) {
    return Error(ErrorCode::kNetwork, "The service failed (HTTP " + std::to_string(http) + "). Try again later.", code);
  }
  return Error(ErrorCode::kNetwork, "The service answered with code " + std::to_string(code) + server_words(server_message) + ".", code);
}

Status NemoApi::new_anonymous_token(const CancelToken* cancel) {
  for (int attempt = 0;; ++attempt) {
    HttpRequest req;
    req.method = "POST";
    req.url = config_.api_base + nemo::kRouteAnonymousToken;
    req.headers = {{nemo::kHeaderClientId, credentials_->client_id()}, {"Content-Type", "application/json"},
                   {nemo::kHeaderSkillSource, config_.skill_source}, {nemo::kHeaderSkillVersion, config_.skill_version},
                   {nemo::kHeaderSkillPlatform, config_.skill_platform}};
    req.body = "{}";
    req.connect_timeout_s = config_.connect_timeout_s;
    req.silence_timeout_s = config_.silence_timeout_s;
    auto res = http_.send(req, cancel);
    if (!res) {
      if (res.error().code == ErrorCode::kNetwork && attempt < config_.network_retries && cancel_sleep(cancel, backoff(attempt))) continue;
      return res.error().code == ErrorCode::kNetwork ? Error(ErrorCode::kNetwork, "Could not reach " + config_.name + " at " + host_of(config_.api_base) + ": " + res.error().message) : res.error();
    }
    const json body = read_json(res->body, "The server's answer").value_or(json());
    const int code = body.is_object() ? json_field<int>(body, "code", static_cast<int>(res->status)) : static_cast<int>(res->status);
    if (code == 400 && attempt == 0) {  // the client id was refused: a new one, once
      credentials_->new_client_id();
      continue;
    }
    if (res->status >= 500 && attempt < config_.network_retries && cancel_sleep(cancel, backoff(attempt))) continue;
    if (code == nemo::code_value(nemo::Code::kRateLimited) && attempt == 0 && cancel_sleep(cancel, config_.wait(30))) continue;
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (code != 0 || res->status >= 400) {
      if (code == nemo::code_value(nemo::Code::kBadToken) || code == 403)
        return Error(ErrorCode::kAuth, "This server gives no free tokens: set a token of your own in the settings.", nemo::code_value(nemo::Code::kBadToken));
      return error_for(code, res->status, body.is_object() ? json_field<std::string>(body, "message", "") : "");
    }
    const std::string token = body.contains("data") ? json_field<std::string>(body["data"], "token", "") : "";
    if (token.empty()) return make_error(ErrorCode::kNetwork, "The service answered the token request without a token.");
    credentials_->set_anonymous_token(token);
    return {};
  }
}

Status NemoApi::ensure_token(const CancelToken* cancel) {
  if (!credentials_->token().empty()) return {};
  return new_anonymous_token(cancel);
}

bool cancel_sleep(const CancelToken* cancel, std::chrono::milliseconds d) {
  if (!cancel) {
    std::this_thread::sleep_for(d);
    return true;
  }
  return cancel->sleep_for(d);
}

Result<bool> NemoApi::recover(int code, Recovery& done, const CancelToken* cancel) {
  if (code == nemo::code_value(nemo::Code::kBadToken) && !done.renewed && credentials_->anonymous()) {  // the kept token expired: a new one, one retry
    done.renewed = true;
    credentials_->forget_token();
    if (auto t = new_anonymous_token(cancel); !t) return t.error();
    return true;
  }
  if (code == nemo::code_value(nemo::Code::kRateLimited) && !done.waited) {  // rate limited: wait 30 s, one retry
    done.waited = true;
    if (!cancel_sleep(cancel, config_.wait(30))) return make_error(ErrorCode::kCancelled, "Cancelled.");
    return true;
  }
  return false;
}

Result<json> NemoApi::call(const NemoCall& c, const CancelToken* cancel) {
  if (auto t = ensure_token(cancel); !t) return t.error();
  Recovery recovery;
  for (int attempt = 0;;) {
    HttpRequest req;
    req.method = c.method;
    req.url = config_.api_base + c.path;
    req.headers = headers(c.body.has_value());
    if (c.body) req.body = json_text(*c.body);
    req.file = c.file;
    req.file_name = c.file_name;
    req.progress = c.progress;
    req.connect_timeout_s = config_.connect_timeout_s;
    req.silence_timeout_s = config_.silence_timeout_s;
    auto res = http_.send(req, cancel);
    if (!res) {
      if (res.error().code != ErrorCode::kNetwork) return res.error();
      if ((c.may_repeat || !http_.request_sent()) && attempt < config_.network_retries) {
        if (!cancel_sleep(cancel, backoff(attempt++))) return make_error(ErrorCode::kCancelled, "Cancelled.");
        continue;
      }
      return Error(ErrorCode::kNetwork, "Could not reach " + config_.name + " at " + host_of(config_.api_base) + ": " + res.error().message +
                                            " Check the connection, then try again.");
    }
    auto parsed = read_json(res->body, "The answer");
    const json body = parsed ? std::move(parsed).value() : json();
    const bool envelope = body.is_object() && body.contains("code");
    int code = envelope ? json_field<int>(body, "code", -1) : 0;
    if (!envelope && res->status == 401) code = nemo::code_value(nemo::Code::kBadToken);
    if (!envelope && res->status == 429) code = nemo::code_value(nemo::Code::kRateLimited);
    if (code == 0 && res->status < 400) {
      if (!envelope) {
        return make_error(ErrorCode::kNetwork, config_.name + " answered something that is not JSON obs-bgm reads (HTTP " + std::to_string(res->status) + ")" +
                                                   (parsed ? std::string(".") : ": " + parsed.error().message));
      }
      const auto d = body.find("data");
      return d == body.end() || d->is_null() ? json::object() : *d;
    }
    auto again = recover(code, recovery, cancel);
    if (!again) return again.error();
    if (*again) continue;
    const bool server_failed = res->status >= 500 && (code == 0 || code >= 500 || !envelope);
    if (server_failed && c.may_repeat && attempt < config_.network_retries) {
      if (!cancel_sleep(cancel, backoff(attempt++))) return make_error(ErrorCode::kCancelled, "Cancelled.");
      continue;
    }
    return error_for(code == 0 ? static_cast<int>(res->status) : code, res->status, envelope ? json_field<std::string>(body, "message", "") : "");
  }
}

Result<long> NemoApi::stream(const std::string& path, const json& body, const std::function<bool(std::string_view)>& on_data,
                             const std::function<void()>& tick, const CancelToken* cancel) {
  if (auto t = ensure_token(cancel); !t) return t.error();
  Recovery recovery;
  for (int attempt = 0;;) {
    HttpRequest req;
    req.method = "POST";
    req.url = config_.api_base + path;
    req.headers = headers(true);
    req.headers.back() = {"Accept", "text/event-stream"};
    req.body = json_text(body);
    req.connect_timeout_s = config_.connect_timeout_s;
    req.silence_timeout_s = config_.stream_silence_timeout_s;
    req.timeout_s = config_.turn_timeout_s;
    req.tick = tick;
    // The answer is a stream only when the server said so; an error answer is an envelope, kept whole.
    std::string error_body;
    bool is_stream = false, decided = false;
    long status = 0;
    auto res = http_.stream(req, [&](std::string_view bytes) {
      if (!decided) {  // an event stream never starts with '{': that is a JSON envelope (an error)
        const auto first = bytes.find_first_not_of(" \t\r\n");
        if (first == std::string_view::npos) return true;
        decided = true;
        is_stream = bytes[first] != '{';
      }
      if (is_stream) return on_data(bytes);
      if (error_body.size() < 65536) error_body.append(bytes);
      return true;
    }, cancel);
    if (!res) {
      if (res.error().code == ErrorCode::kNetwork && !http_.request_sent() && attempt < config_.network_retries) {
        if (!cancel_sleep(cancel, backoff(attempt++))) return make_error(ErrorCode::kCancelled, "Cancelled.");
        continue;
      }
      return res.error();  // the message may have reached the server: the caller reads the state, never resends
    }
    status = res->status;
    if (is_stream && status < 400) return status;
    const json answer = read_json(error_body, "The server's answer").value_or(json());
    const bool envelope = answer.is_object() && answer.contains("code");
    int code = envelope ? json_field<int>(answer, "code", -1) : static_cast<int>(status);
    if (!envelope && status == 401) code = nemo::code_value(nemo::Code::kBadToken);
    if (code == 0 && status < 400) return status;  // an empty stream
    auto again = recover(code, recovery, cancel);
    if (!again) return again.error();
    if (*again) continue;
    return error_for(code, status, envelope ? json_field<std::string>(answer, "message", "") : "");
  }
}

namespace {

// The whole file's size a Content-Range announces (a 206's, a 416's), -1 when none or unknown.
int64_t range_total(const HttpResponse& res) {
  const auto range = res.headers.find("content-range");
  const auto parsed = range == res.headers.end() ? std::nullopt : parse_content_range(range->second);
  return parsed ? parsed->total : -1;
}

// The whole file's size a 200 or 206 announces (Content-Range's total, else Content-Length), -1 when unknown.
int64_t announced_size(const HttpResponse& res) {
  if (res.status == 206) return range_total(res);
  const auto length = res.headers.find("content-length");
  return length == res.headers.end() ? -1 : std::atoll(length->second.c_str());
}

}  // namespace

Status NemoApi::download(const std::string& url, const fs::path& part, const std::function<void(int64_t, int64_t)>& progress,
                         const CancelToken* cancel) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    return make_error(ErrorCode::kNetwork, "The service gave a download link that is not http(s).");
  }
  for (int attempt = 0;;) {
    std::error_code ec;
    const auto have = fs::exists(part, ec) ? static_cast<int64_t>(fs::file_size(part, ec)) : 0;
    HttpRequest req;
    req.url = url;
    if (same_host(url)) req.headers = headers(false);  // the token goes to the API's own host only
    req.save_to = part;
    req.resume_from = have;
    req.progress = progress;
    req.connect_timeout_s = config_.connect_timeout_s;
    req.silence_timeout_s = config_.silence_timeout_s;
    auto res = http_.send(req, cancel);
    if (res && (res->status == 200 || res->status == 206)) {
      if (!res->saved) {  // the whole file again after what we had, or a range we did not ask for: start over
        fs::remove(part, ec);
        if (attempt++ < config_.network_retries) continue;
        return make_error(ErrorCode::kNetwork, "The download could not be resumed: the server did not send the part asked for.");
      }
      // A body shorter than its Content-Length is a cut (curl reports it); a range that ends before the file's
      // announced size is fetched on from where it ended.
      const int64_t total = announced_size(*res);
      const auto now = static_cast<int64_t>(fs::file_size(part, ec));
      if (total > 0 && now < total && attempt++ < config_.network_retries + 2) continue;
      if (total > 0 && now != total) {
        fs::remove(part, ec);
        return make_error(ErrorCode::kNetwork, "The download ended at " + std::to_string(now) + " of " + std::to_string(total) +
                                                   " bytes. Try the export again.");
      }
      return {};
    }
    if (res && res->status == 416 && have > 0) {  // nothing left to fetch, when the server's size is what we have
      if (range_total(*res) == have) return {};
      fs::remove(part, ec);
      if (attempt++ < config_.network_retries) continue;
      return make_error(ErrorCode::kNetwork, "The download could not be resumed: the server refused the part asked for.");
    }
    if (res && (res->status == 404 || res->status == 410 || res->status == 403)) {
      fs::remove(part, ec);
      return make_error(ErrorCode::kNotFoundRemote, "The download link has expired or is gone. Export again.");
    }
    if (!res && res.error().code != ErrorCode::kNetwork) return res.error();
    if (attempt < config_.network_retries + 2) {  // a cut transfer resumes where it stopped
      if (!cancel_sleep(cancel, backoff(attempt++))) return make_error(ErrorCode::kCancelled, "Cancelled.");
      continue;
    }
    return make_error(ErrorCode::kNetwork, res ? "The download failed (HTTP " + std::to_string(res->status) + "). Try the export again."
                                               : "The download was cut off: " + res.error().message + " Try the export again.");
  }
}

}  // namespace bgm
