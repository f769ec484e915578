#pragma once
// --token-file is the truth about issued tokens at every start and on SIGHUP: a line "TOKEN [CREDITS]" per token
// ('#' starts a comment). A token no longer in the file stops working; a changed credit count applies (what was
// spent stays spent); anonymous tokens go when the server no longer gives them.
// Thread: any thread (the store serialises).

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"
#include "session/session_store.h"

namespace bgm {

struct TokenFileReport {
  int issued = 0;     // tokens the file gives
  int revoked = 0;    // issued tokens that were removed from it
  int anonymous_revoked = 0;
};

// `file` nullopt: no token is issued (all issued tokens are revoked). Errors: kIo (unreadable file).
Result<TokenFileReport> apply_token_file(SessionStore& store, const std::optional<std::filesystem::path>& file, int64_t default_credits,
                                         bool allow_anonymous);

}  // namespace bgm
