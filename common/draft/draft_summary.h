#pragma once
// The timeline as a person reads it, in the seed's words:
//   Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)
// Thread: pure function; any thread.

#include <cstdint>
#include <string>

#include "agent/language.h"
#include "draft/draft.h"

namespace bgm {

std::string summarize_draft(const Draft& draft, Language language = Language::kEnglish);

// "10s", "2.5s" (en) / "10秒" (zh): a time on the timeline.
std::string seconds_text(int64_t ms);

}  // namespace bgm
