#pragma once
// The commands' remote door: `--backend nemovideo [--api-base URL]` runs a job through the NemoVideo API (the
// cloud, or a studio's `obs-bgm serve`) instead of the local engine, and prints its result like a local one.
// Thread: main thread.

#include <optional>

#include "backend/backend.h"
#include "cli/args.h"
#include "nemo/nemo_config.h"

namespace bgm::cli {

// The options every command with a backend takes.
inline constexpr const char* kBackendHelp =
    "      --backend NAME     local (default: this machine, offline, free) or nemovideo (the NemoVideo cloud, or\n"
    "                         the server at --api-base; uploads the recording and uses credits)\n"
    "      --api-base URL     the server's address (default: $OBS_BGM_API_BASE, else the NemoVideo cloud)\n"
    "      --smaller-copy     (score) a recording over the service's 500 MB limit is sent as a 720p copy\n";

// nullopt for the local engine. Errors: kInvalidArgument (an unknown backend; --api-base without nemovideo).
Result<std::optional<NemoConfig>> remote_backend_from(const Args& args);

// Delivers exports an earlier run left unfinished, then runs `job`; prints progress, the transcript and the result
// (or JSON). Returns the exit code.
int run_remote_job(const NemoConfig& config, const JobRequest& job, bool json, bool quiet);

}  // namespace bgm::cli
