#pragma once
// How the NemoVideo client reaches its server and who it says it is: the API base (the cloud, or a studio's
// `obs-bgm serve`), a configured token (else an anonymous one), the attribution headers, the folder where it keeps
// its client id, anonymous token and renders in progress, its timeouts, and the scale of the protocol's waits.
// Thread: plain values; any thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace bgm {

inline constexpr const char* kNemoDefaultApiBase = "https://mega-api-prod.nemovideo.ai";
// Where an anonymous user registers to keep their credits: "?bind=<client id>" is added.
inline constexpr const char* kNemoDefaultRegisterUrl = "https://www.nemovideo.ai/register";
inline constexpr const char* kNemoDefaultTopUpUrl = "https://www.nemovideo.ai/pricing";

struct NemoConfig {
  std::string api_base = kNemoDefaultApiBase;
  std::string token;        // configured (settings or NEMO_TOKEN); empty: an anonymous token is fetched and kept
  std::string name = "NemoVideo";  // what the status line calls it ("Render server" for a studio's serve)
  std::filesystem::path state_dir;  // client id, anonymous token, renders in progress (owner-only files)
  std::string skill_source = "topmediai-ai-music";
  std::string skill_version;  // default: obs-bgm's version
  std::string skill_platform = "unknown";
  std::string language = "en";
  std::string register_url = kNemoDefaultRegisterUrl;
  std::string top_up_url = kNemoDefaultTopUpUrl;
  long connect_timeout_s = 20;
  long silence_timeout_s = 60;        // a call (not the chat stream, not a transfer) that sends nothing for this long
  long stream_silence_timeout_s = 300;  // the chat stream: the server sends heartbeats every 10 s
  long turn_timeout_s = 3600;         // a whole chat turn: an endless stream ends here (then the state is read)
  uint64_t max_turn_bytes = 64u << 20;  // what one turn's stream may send
  uint64_t max_upload_bytes = 500ull * 1024 * 1024;  // the service's limit, checked before sending
  int network_retries = 3;            // network errors and 5xx: tries after the first, with backoff
  double time_scale = 1;              // scales every protocol wait (OBS_BGM_NEMO_TIME_SCALE), for tests

  // A protocol wait of `seconds`, scaled.
  std::chrono::milliseconds wait(double seconds) const {
    return std::chrono::milliseconds(static_cast<long long>(seconds * time_scale * 1000));
  }
};

// `config` with what the environment sets: NEMO_TOKEN (when no token is configured), OBS_BGM_API_BASE (when
// `config` still has the default), OBS_BGM_NEMO_TIME_SCALE, OBS_BGM_SKILL_SOURCE / _VERSION / _PLATFORM (the
// attribution headers). Thread: any (reads the environment).
NemoConfig nemo_config_from_env(NemoConfig config);

// The folder the command-line tool keeps the client's state in: $XDG_CONFIG_HOME/obs-bgm (~/.config/obs-bgm).
std::filesystem::path default_nemo_state_dir();

// "nmt_1a2b…89" style: the first 4 and last 2 characters of a secret, for logs and the UI.
std::string redact_token(const std::string& token);

}  // namespace bgm
