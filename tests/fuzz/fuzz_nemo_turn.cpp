// A chat turn's event stream as a NemoVideo server might send it (or garbage): folded into the answer the same way
// whatever the cuts, never a tool call shown, never a crash on any JSON.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "nemo/turn_reader.h"

namespace {

std::string fold(const std::string& stream, size_t cut, bool zh) {
  bgm::TurnEvents events;
  bgm::TurnReader reader(events, zh ? bgm::Language::kChinese : bgm::Language::kEnglish, std::chrono::hours(1));
  bgm::SseParser parser([&](const bgm::SseEvent& e) { return reader.event(e); }, [&] { reader.heartbeat(); });
  parser.feed(std::string_view(stream).substr(0, cut));
  parser.feed(std::string_view(stream).substr(cut));
  parser.feed("\n\n");
  reader.finish();
  return reader.reply() + "|" + std::to_string(reader.ended()) + std::to_string(reader.error_code());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const bool zh = in.ConsumeBool();
  const size_t cut = in.ConsumeIntegralInRange<size_t>(0, size);
  const std::string stream = in.ConsumeRemainingBytesAsString();
  const std::string whole = fold(stream, stream.size(), zh);
  FUZZ_CHECK(whole == fold(stream, std::min(cut, stream.size()), zh));
  return 0;
}
