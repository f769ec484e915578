#include "core/random_id.h"

#include <openssl/evp.h>
#include <sys/random.h>

#include <cerrno>
#include <random>
#include <vector>

namespace bgm {
namespace {

void fill_random(unsigned char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = getrandom(out + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      std::random_device device;  // no getrandom(2): the C++ library's source
      for (; got < n; ++got) out[got] = static_cast<unsigned char>(device());
      return;
    }
    got += static_cast<size_t>(r);
  }
}

std::string hex(const unsigned char* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

}  // namespace

std::string random_uuid() {
  unsigned char b[16];
  fill_random(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string h = hex(b, sizeof b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string random_id(std::string_view prefix, size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  fill_random(buf.data(), buf.size());
  return std::string(prefix) + hex(buf.data(), buf.size());
}

unsigned long long random_u64() {
  unsigned long long v = 0;
  fill_random(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return hex(digest, len);
}

bool looks_like_id(std::string_view id, std::string_view prefix) {
  if (id.size() > 80 || id.size() <= prefix.size() || id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id.substr(prefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace bgm
