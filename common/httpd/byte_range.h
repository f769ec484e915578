#pragma once
// The one byte range a download request asks for ("Range: bytes=500-", "bytes=500-999", "bytes=-500").
// Anything else (several ranges, other units, nonsense) is answered with the whole file, as RFC 9110 allows.
// Thread: pure function; any thread.

#include <cstdint>
#include <optional>
#include <string_view>

namespace bgm::httpd {

struct ByteRange {
  uint64_t first = 0, last = 0;  // inclusive
};

struct RangeAsked {
  std::optional<ByteRange> range;  // none: the whole file
  bool unsatisfiable = false;      // it starts past the end: 416
};

RangeAsked parse_byte_range(std::string_view header, uint64_t size);

}  // namespace bgm::httpd
