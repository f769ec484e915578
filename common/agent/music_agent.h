#pragma once
// The music agent: one message (English or Chinese) in, the draft changed as asked, and an answer in the same
// language saying what it understood and did. "generate background music for my video", then follow-ups:
// "make it calmer", "more energetic", "switch to jazz", "no drums", "music at 20%", "don't duck under my voice",
// "add the title 'Urban Dreams' for 3 seconds", "remove the title", "a new piece", "export 1080p",
// "make 0:30 to 0:45 more intense". Edits keep everything not asked to change (the seed above all: the same
// piece with the change). What it cannot do gets a clear answer and changes nothing.
// The agent decides; it does not render: `render_music` tells the caller that the music must be made again.
// Thread: pure function; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/language.h"
#include "draft/draft.h"

namespace bgm {

// What the session holds that the agent may use.
struct AgentContext {
  std::optional<DraftVideo> video;  // the latest uploaded video or picture, when any
  double text_duration_s = 60;      // music from text alone, unless the message gives a length
  uint64_t fresh_seed = 1;          // the seed for a new piece (the caller draws it)
};

// A step the agent took, shown to API clients as a functionCall / functionResponse pair.
struct AgentCall {
  std::string name;  // "generate_music", "set_music_volume", ...
  nlohmann::json args;
};

struct AgentTurn {
  Draft draft;                 // the draft after the turn (unchanged when nothing was understood)
  Language language = Language::kEnglish;
  bool understood = false;     // false: nothing changed; `reply` says what the agent can do
  bool render_music = false;   // the music must be (re)made from the draft
  std::vector<AgentCall> calls;
  std::string reply;           // what was understood and done, in the message's language
};

AgentTurn run_agent_turn(const Draft& draft, std::string_view message, const AgentContext& context);

}  // namespace bgm
