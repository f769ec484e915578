#pragma once
// One turn of the conversation with a NemoVideo agent over /run_sse: the message goes out once; text is shown as it
// streams (partial chunks, never repeated by the final event), tool calls and responses stay inside, heartbeats
// keep it waiting ("Still working..." after every 2 minutes without text), GUI wording is translated. A turn that
// ends without text reads the state and says what changed; a stream that drops is never sent again: the state is
// read every 30 s until it changed, and after 5 unchanged reads the turn fails.
// Thread: the caller's worker; events are delivered on it and must not block.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/language.h"
#include "core/cancel.h"
#include "core/result.h"
#include "nemo/nemo_api.h"

namespace bgm {

struct TurnEvents {
  std::function<void(const std::string& text)> text;    // a piece of the answer (whole sentences), as it streams
  std::function<void(const std::string& text)> notice;  // "Still working..." and other words about the wait
};

struct TurnOutcome {
  std::string reply;        // the whole answer as shown, the added summary or change included
  nlohmann::json state;     // the session's state after the turn ({"draft", "video_infos", "generated_media"})
  nlohmann::json before;    // and before it: what the turn added (draft_of_state)
  bool offer_export = false;  // the agent spoke of exporting: the caller offers its export
  bool recovered = false;     // the stream dropped and the change was found in the state
};

inline constexpr int kDropChecks = 5;

// The session's state. Errors: those of NemoApi::call.
Result<nlohmann::json> read_nemo_state(NemoApi& api, const std::string& session, const CancelToken* cancel);

// Errors: those of NemoApi (kNotFoundRemote for an unknown session, kQuota...), kNetwork when the stream dropped
// and the state did not change in kDropChecks reads, kCancelled.
Result<TurnOutcome> run_nemo_turn(NemoApi& api, const std::string& session, const std::string& message, Language language,
                                  const TurnEvents& events, const CancelToken* cancel);

}  // namespace bgm
