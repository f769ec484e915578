#pragma once
// Understands a free-text prompt in English or Chinese: style, mood, tempo, key, length, instruments wanted
// or not, energy, music volume and looping. Unknown words are ignored, never fatal.
// Thread: pure function; any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "music/theory.h"
#include "spec/style_catalog.h"

namespace bgm {

enum class TempoWord { kNone, kSlow, kModerate, kFast };

struct PromptFacts {
  std::optional<std::string> style_id;
  std::optional<std::string> mood_id;
  std::optional<double> tempo_bpm;
  TempoWord tempo_word = TempoWord::kNone;
  std::optional<Key> key;
  std::optional<double> duration_s;
  std::optional<double> energy;        // 0..1 when energy words were used
  std::vector<std::string> wanted;     // instrument ids, in prompt order
  std::vector<std::string> excluded;   // instrument ids
  bool only = false;                   // "piano only": nothing but the wanted instruments
  std::optional<double> music_volume;  // 0..1, kept for mixing under a video
  bool loop = false;
  // What was recognised, as "<what>: <the words>", in the order found. For the transcript.
  std::vector<std::string> recognised;
};

// The longest prompt obs-bgm reads: 4 KB (about 4,000 letters, or 1,300 Chinese characters). Every door (the dock,
// obs-websocket, the command line, servers) refuses a longer one with prompt_length_error().
inline constexpr size_t kMaxPromptBytes = 4096;

// The message for a prompt over kMaxPromptBytes (kInvalidArgument), or success.
Status check_prompt_length(std::string_view prompt);

// Time linear in the prompt's length; reads at most the first kMaxPromptBytes (callers refuse longer prompts).
PromptFacts parse_prompt(std::string_view prompt, const StyleCatalog& catalog);

}  // namespace bgm
