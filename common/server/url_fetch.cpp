#include "server/url_fetch.h"

#include <arpa/inet.h>
#include "http/curl_handles.h"
#include <netdb.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace bgm {
namespace {

std::string part(CURLU* u, CURLUPart what) {
  char* p = nullptr;
  if (curl_url_get(u, what, &p, 0) != CURLUE_OK || !p) return {};
  std::string out(p);
  curl_free(p);
  return out;
}

struct Download {
  FILE* file = nullptr;
  uint64_t written = 0, max = 0;
  const CancelToken* cancel = nullptr;
  bool too_big = false;
};

size_t on_data(char* data, size_t size, size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  const size_t bytes = size * n;
  if (d->written + bytes > d->max) {
    d->too_big = true;
    return 0;
  }
  d->written += bytes;
  return std::fwrite(data, 1, bytes, d->file);
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* d = static_cast<Download*>(user);
  return d->cancel && d->cancel->cancelled() ? 1 : 0;
}

}  // namespace

bool is_internal_address(const std::string& address) {
  unsigned char b[16];
  if (inet_pton(AF_INET, address.c_str(), b) == 1) {
    return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
           (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224;
  }
  if (inet_pton(AF_INET6, address.c_str(), b) == 1) {
    static const unsigned char zero[16] = {};
    const bool v4mapped = std::memcmp(b, zero, 10) == 0 && b[10] == 0xFF && b[11] == 0xFF;
    if (v4mapped) return is_internal_address(std::to_string(b[12]) + "." + std::to_string(b[13]) + "." + std::to_string(b[14]) + "." + std::to_string(b[15]));
    const bool unspecified_or_loopback = std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1);
    return unspecified_or_loopback || (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || b[0] == 0xFF;
  }
  return true;  // not an address: refused
}

Result<std::string> fetch_url(const std::string& url, const std::filesystem::path& to, uint64_t max_bytes, const CancelToken* cancel) {
  CurlUrl u(curl_url());
  if (url.size() > 2048 || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return make_error(ErrorCode::kInvalidArgument, "That is not a URL I can read.");
  }
  const std::string scheme = part(u.get(), CURLUPART_SCHEME), host = part(u.get(), CURLUPART_HOST), path = part(u.get(), CURLUPART_PATH);
  if (scheme != "http" && scheme != "https") return make_error(ErrorCode::kInvalidArgument, "Only http and https URLs can be uploaded.");
  std::string port = part(u.get(), CURLUPART_PORT);
  if (port.empty()) port = scheme == "https" ? "443" : "80";
  std::string bare_host = host;
  if (!bare_host.empty() && bare_host.front() == '[') bare_host = bare_host.substr(1, bare_host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(bare_host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return make_error(ErrorCode::kNetwork, "Could not find the host " + host.substr(0, 100) + ".");
  }
  std::string pinned;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr = a->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                                               : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    inet_ntop(a->ai_family, addr, text, sizeof text);
    if (is_internal_address(text)) {
      freeaddrinfo(found);
      return make_error(ErrorCode::kInvalidArgument, "That URL points inside this server's own network; only public addresses can be uploaded from.");
    }
    if (pinned.empty()) pinned = a->ai_family == AF_INET6 ? "[" + std::string(text) + "]" : text;
  }
  freeaddrinfo(found);

  OpenFile file(std::fopen(to.c_str(), "wb"));
  if (!file) return make_error(ErrorCode::kIo, "Could not store the upload.");
  Download d{file.get(), 0, max_bytes, cancel, false};
  CurlEasy curl(curl_easy_init());
  CurlSlist resolve(curl_slist_append(nullptr, (bare_host + ":" + port + ":" + pinned).c_str()));
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &d);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (d.too_big) return make_error(ErrorCode::kInvalidArgument, "The file is over 500 MB. Compress or trim it, then upload again.");
  if (rc == CURLE_ABORTED_BY_CALLBACK) return make_error(ErrorCode::kCancelled, "Cancelled.");
  if (rc != CURLE_OK) return make_error(ErrorCode::kNetwork, std::string("The download failed: ") + curl_easy_strerror(rc) + ".");
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.empty() ? std::string("upload") : name;
}

}  // namespace bgm
