#include "core/result.h"

namespace bgm {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kResourceMissing: return "resource_missing";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kMedia: return "media";
    case ErrorCode::kSynth: return "synth";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kNetwork: return "network";
    case ErrorCode::kAuth: return "auth";
    case ErrorCode::kQuota: return "quota";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kNotFoundRemote: return "not_found_remote";
  }
  return "internal";
}

}  // namespace bgm
