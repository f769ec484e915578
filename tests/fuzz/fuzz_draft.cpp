// A draft as a client sends it (any JSON, or not JSON): refused with a message or taken; a taken draft reads back,
// survives our own edits, stays valid and unchanged when not edited, and summarises. The same bytes as a service's
// draft (read liberally): read without a change, summarised, and its mix edited without touching the rest.
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
  if (auto service = bgm::Draft::from_service(*j, {{"a"}, {"b"}, {"c"}})) {
    FUZZ_CHECK(service->as_json() == *j);
    (void)bgm::summarize_draft(*service, bgm::Language::kEnglish);
    (void)service->video();
    (void)service->duration_ms();
    const bool had_music = service->music().has_value();
    FUZZ_CHECK(service->set_music_mix(0.5, true) == had_music);
    if (auto m = service->music()) FUZZ_CHECK(m->volume >= 0 && m->volume <= 1);
  }
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
