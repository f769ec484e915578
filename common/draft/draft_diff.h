#pragma once
// What changed between two versions of a draft, in plain words ("Music: Lo-fi -> Jazz; volume 35% -> 20%"): what the
// client says when the service edited the timeline without a word, or after a dropped stream.
// Thread: pure function; any thread.

#include <string>

#include "agent/language.h"
#include "draft/draft.h"

namespace bgm {

// "" when nothing a person would notice changed.
std::string describe_draft_change(const Draft& before, const Draft& after, Language language = Language::kEnglish);

}  // namespace bgm
