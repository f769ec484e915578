#pragma once
// How a music spec is shown: as plain text for people and as JSON for scripts.
// Thread: pure functions; any thread.

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "spec/music_spec.h"

namespace bgm {

// Several lines: "Style: Lo-fi · Mood: relaxed · 78 BPM · A minor · 30.0 s", the parts, then the reasons.
std::string describe_spec(const MusicSpec& spec);
nlohmann::json spec_to_json(const MusicSpec& spec);

}  // namespace bgm
