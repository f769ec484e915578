#pragma once
// HTTP over libcurl for the NemoVideo client and the tests: one request at a time, cancellable at once through
// a CancelToken, bodies kept in memory or streamed (SSE) or written to a file, multipart file uploads streamed
// from disk. Transport failures are values (kNetwork), HTTP statuses are data for the caller.
// Thread: a client object serves one thread at a time; use one per thread.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                               // sent as is (set Content-Type in headers)
  std::optional<std::filesystem::path> file;      // a multipart upload of this file...
  std::string file_field = "files";               // ...in this field...
  std::string file_name;                          // ...named so (default: the file's name)
  std::optional<std::filesystem::path> save_to;   // the response body written here instead of kept
  int64_t resume_from = 0;                        // with save_to: ask for the bytes from here on and append them
  // A body kept in memory stops at this size (kNetwork: a server must not fill our memory); a saved body at
  // max_file_bytes. Only a 200 (or a 206 whose Content-Range starts at resume_from) reaches save_to; any other
  // answer is kept in memory (up to 64 KB) for its message, so an error page never becomes part of a file.
  uint64_t max_body_bytes = 16u << 20;
  uint64_t max_file_bytes = 64ull << 30;
  long timeout_s = 0;                             // 0: no overall limit (streams)
  long connect_timeout_s = 20;
  long silence_timeout_s = 0;                     // > 0: fail (kNetwork) when no byte moves for this long
  // Bytes moved so far and expected (0 when unknown), for the upload while sending, else for the download.
  std::function<void(int64_t done, int64_t total)> progress;
  std::function<void()> tick;                     // called about once a second while the transfer runs
};

struct HttpResponse {
  long status = 0;
  std::string body;
  bool saved = false;  // the body went to save_to
  std::map<std::string, std::string> headers;  // names lower-cased
};

// A Content-Range header ("bytes 500-999/1000" of a 206, "bytes */1000" of a 416): the first byte sent (-1 for "*")
// and the whole size (-1 for "*"); nullopt when it is not one.
struct ContentRange {
  int64_t first = -1, total = -1;
};
std::optional<ContentRange> parse_content_range(std::string_view value);

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Errors: kNetwork (cannot connect, cut off, timed out), kCancelled, kIo (save_to).
  Result<HttpResponse> send(const HttpRequest& request, const CancelToken* cancel = nullptr);
  // The same, with the body handed to `on_data` as it arrives (return false to stop: kCancelled).
  Result<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
                              const CancelToken* cancel = nullptr);
  // Whether the last request went out whole (a failure before that is safe to send again).
  bool request_sent() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bgm
