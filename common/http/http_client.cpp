#include "http/http_client.h"

#include "http/curl_handles.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace bgm {
namespace {

struct Transfer {
  CURL* curl = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  std::string* body = nullptr;
  FILE* file = nullptr;
  const CancelToken* cancel = nullptr;
  bool stopped = false;
  bool over = false;       // over the body's cap
  bool to_file = false;    // decided at the first byte of the body: a 200 or a matching 206
  bool decided = false;
  uint64_t kept = 0;
  bool* saved = nullptr;
  std::map<std::string, std::string>* headers = nullptr;
  const HttpRequest* request = nullptr;
  std::chrono::steady_clock::time_point last_tick = std::chrono::steady_clock::now();
};

// Whether the answer's body is the file asked for: a 200 from the start, or a 206 for exactly the bytes asked.
bool body_is_the_file(const Transfer& t) {
  long status = 0;
  curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
  const int64_t from = t.request->resume_from;
  if (status == 200) return from == 0;
  if (status != 206) return false;
  const auto range = t.headers->find("content-range");
  const auto parsed = range == t.headers->end() ? std::nullopt : parse_content_range(range->second);
  return parsed && parsed->first == from;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->on_data) {
    if (!(*t->on_data)(std::string_view(data, bytes))) {
      t->stopped = true;
      return 0;
    }
    return bytes;
  }
  if (t->file && !t->decided) {
    t->decided = true;
    t->to_file = body_is_the_file(*t);
    *t->saved = t->to_file;
  }
  t->kept += bytes;
  if (t->to_file) {
    if (t->kept > t->request->max_file_bytes) return t->over = true, 0;
    return std::fwrite(data, 1, bytes, t->file);
  }
  const uint64_t cap = t->file ? 65536 : t->request->max_body_bytes;
  if (t->kept > cap) {
    if (t->file) return bytes;  // an error page: its start is enough for the message
    return t->over = true, 0;
  }
  t->body->append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*t->headers)[name] = value;
  }
  return size * n;
}

int on_progress(void* user, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total, curl_off_t ul_now) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancel && t->cancel->cancelled()) return 1;
  const HttpRequest& r = *t->request;
  if (r.progress) {
    if (r.file) r.progress(ul_now, ul_total);
    else r.progress(r.resume_from + dl_now, dl_total > 0 ? r.resume_from + dl_total : 0);
  }
  const auto now = std::chrono::steady_clock::now();
  if (r.tick && now - t->last_tick >= std::chrono::seconds(1)) {
    t->last_tick = now;
    r.tick();
  }
  return 0;
}

}  // namespace

std::optional<ContentRange> parse_content_range(std::string_view value) {
  if (value.substr(0, 6) != "bytes ") return std::nullopt;
  const std::string spec(value.substr(6));
  const size_t slash = spec.find('/');
  ContentRange r;
  if (spec.compare(0, 2, "*/") != 0) {  // "first-last/total"
    char* end = nullptr;
    r.first = std::strtoll(spec.c_str(), &end, 10);
    if (end == spec.c_str() || *end != '-' || r.first < 0) return std::nullopt;
  }
  if (slash != std::string::npos && spec.compare(slash + 1, 1, "*") != 0) {
    char* end = nullptr;
    r.total = std::strtoll(spec.c_str() + slash + 1, &end, 10);
    if (end == spec.c_str() + slash + 1 || r.total < 0) return std::nullopt;
  }
  return r;
}

struct HttpClient::Impl {
  CurlEasy curl;
  bool sent = false;
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->curl.reset(curl_easy_init());
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

bool HttpClient::request_sent() const { return impl_->sent; }

Result<HttpResponse> HttpClient::send(const HttpRequest& request, const CancelToken* cancel) { return stream(request, nullptr, cancel); }

Result<HttpResponse> HttpClient::stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
                                        const CancelToken* cancel) {
  CURL* c = impl_->curl.get();
  if (!c) return make_error(ErrorCode::kInternal, "libcurl could not start.");
  curl_easy_reset(c);
  HttpResponse response;
  Transfer t;
  t.curl = c;
  t.saved = &response.saved;
  t.on_data = on_data ? &on_data : nullptr;
  t.body = &response.body;
  t.cancel = cancel;
  t.headers = &response.headers;
  t.request = &request;
  impl_->sent = false;
  OpenFile file;
  if (request.save_to && !on_data) {
    file.reset(std::fopen(request.save_to->c_str(), request.resume_from > 0 ? "ab" : "wb"));
    if (!file) return make_error(ErrorCode::kIo, "Could not write " + request.save_to->string() + ".");
    t.file = file.get();
  }
  CurlSlist headers;
  for (const auto& [name, value] : request.headers) headers.reset(curl_slist_append(headers.release(), (name + ": " + value).c_str()));
  CurlMime mime;
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_s);
  if (request.silence_timeout_s > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, request.silence_timeout_s);
  }
  if (request.resume_from > 0) curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(request.resume_from));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  if (request.file) {
    mime.reset(curl_mime_init(c));
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, request.file_field.c_str());
    if (curl_mime_filedata(part, request.file->c_str()) != CURLE_OK) {
      return make_error(ErrorCode::kNotFound, "Could not read " + request.file->string() + ".");
    }
    if (!request.file_name.empty()) curl_mime_filename(part, request.file_name.c_str());
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
  } else if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
  }
  if (request.method != "GET" && request.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  long request_bytes = 0;
  curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes);
  impl_->sent = request_bytes > 0 && rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST &&
                rc != CURLE_COULDNT_RESOLVE_PROXY;
  if (rc == CURLE_ABORTED_BY_CALLBACK || (rc == CURLE_WRITE_ERROR && t.stopped)) return make_error(ErrorCode::kCancelled, "Cancelled.");
  if (rc == CURLE_WRITE_ERROR && t.over) {
    const uint64_t cap = t.to_file ? request.max_file_bytes : request.max_body_bytes;
    return make_error(ErrorCode::kNetwork, "The server's answer was over " + std::to_string(cap >> 20) + " MB; obs-bgm stopped reading it.");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) return make_error(ErrorCode::kNetwork, "The server stopped answering (timed out).");
  if (rc == CURLE_WRITE_ERROR && request.save_to) return make_error(ErrorCode::kIo, "Could not write " + request.save_to->string() + ".");
  if (rc != CURLE_OK) return make_error(ErrorCode::kNetwork, std::string("The server could not be reached: ") + curl_easy_strerror(rc) + ".");
  return response;
}

}  // namespace bgm
