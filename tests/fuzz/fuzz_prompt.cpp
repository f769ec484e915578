// Prompt understanding on raw bytes: never crashes, stays linear (libFuzzer's -timeout catches a slow input),
// and what it understood is in range.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "spec/prompt_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view prompt(reinterpret_cast<const char*>(data), size);
  const auto facts = bgm::parse_prompt(prompt, bgm::StyleCatalog::builtin());
  FUZZ_CHECK(!facts.duration_s || !std::isnan(*facts.duration_s));
  FUZZ_CHECK(!facts.duration_s || *facts.duration_s >= 0);
  FUZZ_CHECK(!facts.tempo_bpm || (*facts.tempo_bpm >= 0 && *facts.tempo_bpm <= 999));  // "02拍" is 2: the spec refuses it
  FUZZ_CHECK(!facts.music_volume || (*facts.music_volume >= 0 && *facts.music_volume <= 1));
  FUZZ_CHECK(!facts.energy || (*facts.energy >= 0 && *facts.energy <= 1));
  return 0;
}
