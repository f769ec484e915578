#include "server/url_fetch.h"

#include <arpa/inet.h>
#include "http/curl_handles.h"
#include <ifaddrs.h>
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

namespace {

bool internal_v4(const unsigned char* b) {
  return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
         (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xC0) == 64) ||  // private, loopback, link-local, CGNAT
         (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) ||                 // IETF protocol assignments, TEST-NET-1
         (b[0] == 198 && (b[1] & 0xFE) == 18) ||                                    // benchmarking 198.18.0.0/15
         (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113) ||  // TEST-NET-2, -3
         (b[0] == 192 && b[1] == 88 && b[2] == 99) ||                               // 6to4 relay anycast
         b[0] >= 224;                                                               // multicast, reserved, broadcast
}

bool internal_v6(const unsigned char* b) {
  static const unsigned char zero[16] = {};
  // Forms that carry an IPv4 address: judged by it (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64
  // 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::).
  if (std::memcmp(b, zero, 10) == 0 && b[10] == 0xFF && b[11] == 0xFF) return internal_v4(b + 12);
  if (std::memcmp(b, zero, 12) == 0) return true;  // ::, ::1 and the deprecated IPv4-compatible form
  static const unsigned char nat64[12] = {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, nat64, 12) == 0) return internal_v4(b + 12);
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0x00 && b[5] == 0x01) return true;  // local NAT64 64:ff9b:1::/48
  if (b[0] == 0x20 && b[1] == 0x02) return internal_v4(b + 2);
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return true;  // Teredo 2001::/32
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return true;  // documentation 2001:db8::/32
  if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, zero, 6) == 0) return true;  // discard 100::/64
  return (b[0] & 0xFE) == 0xFC ||                    // unique local fc00::/7
         (b[0] == 0xFE && (b[1] & 0x80) == 0x80) ||  // link-local fe80::/10 and site-local fec0::/10
         b[0] == 0xFF;                               // multicast
}

// Whether `address` is one of this machine's own (its public address included).
bool own_address(const std::string& address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool own = false;
  for (ifaddrs* a = list; a && !own; a = a->ifa_next) {
    if (!a->ifa_addr || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6)) continue;
    char text[INET6_ADDRSTRLEN] = {};
    const void* in = a->ifa_addr->sa_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr)
                                                       : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr);
    inet_ntop(a->ifa_addr->sa_family, in, text, sizeof text);
    own = address == text;
  }
  freeifaddrs(list);
  return own;
}

}  // namespace

bool is_internal_address(const std::string& address) {
  unsigned char b[16];
  if (inet_pton(AF_INET, address.c_str(), b) == 1) return internal_v4(b);
  if (inet_pton(AF_INET6, address.c_str(), b) == 1) return internal_v6(b);
  return true;  // not an address: refused
}

Result<std::string> fetch_url(const std::string& url, const std::filesystem::path& to, uint64_t max_bytes, const CancelToken* cancel,
                              bool allow_local) {
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
    return make_error(ErrorCode::kInvalidArgument, "Could not find the host " + host.substr(0, 100) + ". Check the URL.");
  }
  std::string pinned;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr = a->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                                               : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    inet_ntop(a->ai_family, addr, text, sizeof text);
    if (!allow_local && (is_internal_address(text) || own_address(text))) {
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
  // A name is pinned to the address just checked (no second lookup: no DNS rebinding); an address literal needs none.
  unsigned char literal[16];
  const bool is_literal = inet_pton(AF_INET, bare_host.c_str(), literal) == 1 || inet_pton(AF_INET6, bare_host.c_str(), literal) == 1;
  CurlSlist resolve(is_literal ? nullptr : curl_slist_append(nullptr, (bare_host + ":" + port + ":" + pinned).c_str()));
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  if (!is_literal) curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(curl.get(), CURLOPT_PROXY, "");     // a proxy in the environment would look the name up again
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);  // a source that trickles is given up after 30 s
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 1800L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &d);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (d.too_big) return make_error(ErrorCode::kInvalidArgument, "The file is over 500 MB. Compress or trim it, then upload again.");
  if (rc == CURLE_ABORTED_BY_CALLBACK) return make_error(ErrorCode::kCancelled, "Cancelled.");
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return make_error(ErrorCode::kInvalidArgument, "The URL's server sent the file too slowly (under 1 KB/s for 30 s), so it was given up. Upload the file itself.");
  }
  if (rc != CURLE_OK) return make_error(ErrorCode::kInvalidArgument, std::string("The download failed: ") + curl_easy_strerror(rc) + ".");
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 300 && status < 400) {
    return make_error(ErrorCode::kInvalidArgument, "The URL redirects elsewhere, and redirects are not followed: give the file's own address.");
  }
  if (status != 200) return make_error(ErrorCode::kInvalidArgument, "The URL's server answered HTTP " + std::to_string(status) + " instead of the file.");
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.empty() ? std::string("upload") : name;
}

}  // namespace bgm
