#pragma once
// The one JSON shape of the job types: what a job asked, what it made, how it failed, its transcript, and the
// results kept across restarts. The results list, the tool's --json failures and the servers and clients of the
// NemoVideo API all write these through here, so the wire format has one place to change (and to fuzz).
// Readers are lenient: a field missing or of the wrong type takes its default, never an exception.
// Thread: pure functions; any thread.

#include <nlohmann/json.hpp>

#include "backend/backend.h"
#include "jobs/job_runner.h"
#include "jobs/result_store.h"

namespace bgm {

nlohmann::json to_json(const Error& error);            // {"code": "quota", "message", "remote_code"?, "action_url"?}
nlohmann::json to_json(const TranscriptLine& line);    // {"id", "args", "text"}
nlohmann::json to_json(const JobRequest& request);
nlohmann::json to_json(const JobResult& result);
nlohmann::json to_json(const JobSnapshot& snapshot);   // {"id", "state", "stage", "progress", "result"?, "error"?, "transcript"}
nlohmann::json to_json(const SavedResult& result);

SavedResult saved_result_from_json(const nlohmann::json& json);
TranscriptLine transcript_line_from_json(const nlohmann::json& json);

}  // namespace bgm
