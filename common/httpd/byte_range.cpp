#include "httpd/byte_range.h"

#include <charconv>

namespace bgm::httpd {
namespace {

bool number(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

RangeAsked parse_byte_range(std::string_view header, uint64_t size) {
  RangeAsked out;
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return out;
  const std::string_view spec = header.substr(kUnit.size());
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return out;
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (a.empty()) {  // the last N bytes
    if (!number(b, last) || last == 0) return out;
    if (size == 0) return out.unsatisfiable = true, out;
    out.range = ByteRange{size - std::min(last, size), size - 1};
    return out;
  }
  if (!number(a, first)) return out;
  if (b.empty()) last = size ? size - 1 : 0;
  else if (!number(b, last) || last < first) return out;
  if (first >= size) return out.unsatisfiable = true, out;
  out.range = ByteRange{first, std::min(last, size - 1)};
  return out;
}

}  // namespace bgm::httpd
