#pragma once
// The NemoVideo wire, in one place for both ends (the client in nemo/, `obs-bgm serve` in server/): the codes of the
// envelope {"code", "message", "data"} and what HTTP status goes with each, the routes, the header names, the
// accepted formats and the upload limit. The tests keep their own copies (tests/support): they must not share what
// they check.
// Thread: constants and pure functions; any thread.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace bgm::nemo {

enum class Code : int {
  kOk = 0,
  kBadRequest = 400,       // malformed, or no X-Client-Id on the token request
  kPaidPlan = 402,         // the free plan cannot export: not about credits
  kRateLimited = 429,
  kServerError = 500,
  kBadToken = 1001,        // expired or invalid: a new anonymous token, one retry
  kNoSession = 1002,       // the session is gone: a new one, uploads again, one retry
  kNoCredits = 2001,       // anonymous: register (bind the client id); registered: top up
  kUnsupportedType = 4001,
  kTooLarge = 4002,        // over 500 MB: trim it or send a smaller copy
};

inline constexpr int code_value(Code c) { return static_cast<int>(c); }

// Routes. Those ending in '/' take an id after them; the state route ends with kStateSuffix.
inline constexpr const char* kRouteAnonymousToken = "/api/auth/anonymous-token";
inline constexpr const char* kRouteSession = "/api/tasks/me/with-session/nemo_agent";
inline constexpr const char* kRouteChat = "/run_sse";
inline constexpr const char* kRouteUpload = "/api/upload-video/nemo_agent/me/";
inline constexpr const char* kRouteCredits = "/api/credits/balance/simple";
inline constexpr const char* kRouteState = "/api/state/nemo_agent/me/";
inline constexpr const char* kStateSuffix = "/latest";
inline constexpr const char* kRouteRender = "/api/render/proxy/lambda";

inline constexpr const char* kHeaderClientId = "X-Client-Id";
inline constexpr const char* kHeaderSkillSource = "X-Skill-Source";
inline constexpr const char* kHeaderSkillVersion = "X-Skill-Version";
inline constexpr const char* kHeaderSkillPlatform = "X-Skill-Platform";

inline constexpr const char* kFormats = "mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac";
inline constexpr uint64_t kMaxUploadBytes = 500ull * 1024 * 1024;

// The HTTP status an answer with `code` goes with.
inline int http_status(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kBadToken: return 401;
    case Code::kNoSession: return 404;
    case Code::kNoCredits: case Code::kPaidPlan: return 402;
    case Code::kUnsupportedType: return 415;
    case Code::kTooLarge: return 413;
    case Code::kRateLimited: return 429;
    case Code::kBadRequest: return 400;
    case Code::kServerError: return 500;
  }
  return 500;
}

// The code a server answers an error with: the error's own remote code when it carries one of the protocol's,
// else by its kind.
inline Code code_for(const Error& e) {
  switch (e.remote_code) {
    case 400: case 402: case 429: case 1001: case 1002: case 2001: case 4001: case 4002: return static_cast<Code>(e.remote_code);
    default: break;
  }
  switch (e.code) {
    case ErrorCode::kAuth: return Code::kBadToken;
    case ErrorCode::kNotFoundRemote: return Code::kNoSession;
    case ErrorCode::kQuota: return Code::kNoCredits;
    case ErrorCode::kRateLimited: return Code::kRateLimited;
    case ErrorCode::kUnsupported: return Code::kUnsupportedType;
    case ErrorCode::kInvalidArgument: case ErrorCode::kMedia: return Code::kBadRequest;
    default: return Code::kServerError;
  }
}

}  // namespace bgm::nemo
