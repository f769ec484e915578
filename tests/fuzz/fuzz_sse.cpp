// The SSE parser on a stream cut anywhere: the same events whatever the cuts, and nothing grows without bound.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "http/sse_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const size_t cut = in.ConsumeIntegralInRange<size_t>(0, size);
  const std::string stream = in.ConsumeRemainingBytesAsString();
  std::vector<std::string> whole, split;
  bgm::SseParser a([&](const bgm::SseEvent& e) { return whole.push_back(e.data), true; }, nullptr);
  a.feed(stream);
  bgm::SseParser b([&](const bgm::SseEvent& e) { return split.push_back(e.data), true; }, nullptr);
  const size_t at = std::min(cut, stream.size());
  b.feed(std::string_view(stream).substr(0, at));
  b.feed(std::string_view(stream).substr(at));
  FUZZ_CHECK(whole == split);
  return 0;
}
