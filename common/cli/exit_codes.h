#pragma once
// Exit codes of the obs-bgm tool, stable for scripts (documented in --help and docs/exit-codes.md).
// Thread: any.

#include "core/result.h"

namespace bgm::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // an unexpected failure (a bug: please report it)
inline constexpr int kExitUsage = 2;         // bad command line: unknown option, bad value, unknown style
inline constexpr int kExitInput = 3;         // an input file is missing or cannot be read
inline constexpr int kExitResource = 4;      // something the engine needs is not installed (SoundFont)
inline constexpr int kExitOutput = 5;        // the output cannot be written (folder, permissions, disk full)
inline constexpr int kExitProcessing = 6;    // decoding, synthesis or encoding failed
inline constexpr int kExitRemote = 7;        // a remote backend refused or failed (network, token, credits, rate)
inline constexpr int kExitCancelled = 130;   // interrupted (Ctrl+C)

inline int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: case ErrorCode::kUnsupported: return kExitUsage;
    case ErrorCode::kNotFound: return kExitInput;
    case ErrorCode::kResourceMissing: return kExitResource;
    case ErrorCode::kIo: return kExitOutput;
    case ErrorCode::kMedia: case ErrorCode::kSynth: return kExitProcessing;
    case ErrorCode::kCancelled: return kExitCancelled;
    case ErrorCode::kInternal: return kExitFailure;
    case ErrorCode::kNetwork: case ErrorCode::kAuth: case ErrorCode::kQuota: case ErrorCode::kRateLimited:
    case ErrorCode::kNotFoundRemote: return kExitRemote;
  }
  return kExitFailure;
}

}  // namespace bgm::cli
