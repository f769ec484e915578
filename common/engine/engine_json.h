#pragma once
// The JSON of what the engine made, shared by every writer (`obs-bgm generate --json`, `obs-bgm score --json`):
// the sections of a score with their times, and the mastering report.
// Thread: pure functions; any thread.

#include <nlohmann/json.hpp>

#include "audio/master.h"
#include "compose/score.h"

namespace bgm {

// [{"name", "start_s", "end_s", "energy"}, ...]
nlohmann::json sections_to_json(const Score& score);
// {"input_lufs", "gain_db", "output_lufs", "max_gain_reduction_db", "limited_share"}
nlohmann::json master_to_json(const MasterReport& master);

}  // namespace bgm
