// The one door for JSON we did not write (core/json_read.h): any bytes are refused with a message or taken, and
// what is taken is no deeper than the limit, so copying, comparing and writing it back cannot exhaust the stack.
#include <cstdint>
#include <string_view>

#include "core/json_read.h"
#include "core/json_text.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto j = bgm::read_json(text, "The input", {1u << 20, 64});
  if (!j) {
    FUZZ_CHECK(!j.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(bgm::json_depth(text, 64) <= 64);
  const nlohmann::json copy = *j;  // recursive in nlohmann: safe only because the depth is bounded
  FUZZ_CHECK(copy == *j);
  const std::string again = bgm::json_text(copy, -1);
  FUZZ_CHECK(bgm::read_json(again, "The copy", {4u << 20, 64}).ok());
  return 0;
}
