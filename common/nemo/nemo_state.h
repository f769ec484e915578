#pragma once
// Reading a session's state as a NemoVideo service answers it (`data.state`: `draft`, `video_infos`,
// `generated_media`), liberally: the media lists may be arrays of ids, arrays of objects (with `id`, `media_id`,
// `url`...) or objects keyed by id; the draft is read by Draft::from_service, told which sources the user sent,
// which the service made, and (after a turn) which were on the timeline before it.
// Thread: pure functions; any thread.

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "draft/draft.h"

namespace bgm {

// Every id or address a media list names.
std::set<std::string> media_ids(const nlohmann::json& list);

// What the state's lists say of the session's media; `before` (the state before a turn, or null) adds the sources
// that were on the timeline then.
DraftMedia media_of_state(const nlohmann::json& state, const nlohmann::json* before = nullptr);

// `draft` (a state's, or one of its timelines) read with what the session holds. A null is an empty draft.
// Errors: kNetwork when it is not a JSON object.
Result<Draft> draft_of(const nlohmann::json& draft, DraftMedia media);

// The state's draft; `before` (the state before a turn, or null) tells what the turn added. A state without a
// draft is an empty draft. Errors: kNetwork when the draft is not a JSON object (what the service sent is named).
Result<Draft> draft_of_state(const nlohmann::json& state, const nlohmann::json* before = nullptr);

}  // namespace bgm
