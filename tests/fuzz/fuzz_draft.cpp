// A draft as a client sends it (any JSON, or not JSON): refused with a message or taken; a taken draft reads back,
// survives our own edits, stays valid and unchanged when not edited, and summarises.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_read.h"
#include "draft/draft.h"
#include "draft/draft_summary.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Through the door the server reads a request with: nesting past 64 is refused before anything is built.
  auto j = bgm::read_json(std::string_view(reinterpret_cast<const char*>(data), size), "The draft", {2u << 20, 64});
  if (!j) return 0;
  auto d = bgm::Draft::from_json(*j);
  if (!d) {
    FUZZ_CHECK(!d.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(d->as_json().is_object());
  (void)bgm::summarize_draft(*d, bgm::Language::kEnglish);
  (void)bgm::summarize_draft(*d, bgm::Language::kChinese);
  (void)d->video();
  (void)d->title();
  if (auto m = d->music()) {
    FUZZ_CHECK(m->volume >= 0 && m->volume <= 1);
    d->set_music(*m);  // our own edit keeps the draft valid
    FUZZ_CHECK(bgm::Draft::from_json(d->as_json()).ok());
  }
  return 0;
}
