#pragma once
// One conversation with a NemoVideo server, what the dock, `obs-bgm chat` and the cloud backend share: connect
// (a token, then a session), upload (checked before sending: the service's formats, 500 MB), talk (one turn over
// SSE), read the state and the credits, export. A session the server lost (1002) is made again, with the files
// uploaded again, and the call is tried once more.
// Thread: one conversation per worker thread at a time; cancel from any thread.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/credits.h"
#include "core/progress.h"
#include "nemo/nemo_api.h"
#include "nemo/nemo_render.h"
#include "nemo/nemo_turn.h"

namespace bgm {

class NemoConversation {
 public:
  NemoConversation(NemoConfig config, std::shared_ptr<NemoCredentials> credentials, std::shared_ptr<RenderJournal> journal);

  NemoApi& api() { return api_; }
  RenderJournal& journal() { return *journal_; }
  const std::string& session() const { return session_; }

  // A token, then a new session. Errors: those of NemoApi.
  Status start(const CancelToken* cancel);
  // Continues `session` (a result's session id); if the server has lost it, the next call makes a new one.
  void resume(const std::string& session) { session_ = session; }
  Result<Credits> credits(const CancelToken* cancel);
  // Errors: kNotFound (no such file), kUnsupported (type; the message lists the accepted ones), kInvalidArgument
  // (over 500 MB: trim or make a smaller copy), those of NemoApi. Returns the server's answer's data.
  Result<nlohmann::json> upload(const std::filesystem::path& file, const std::function<void(int64_t, int64_t)>& progress,
                                const CancelToken* cancel, const std::string& name = "");
  Result<TurnOutcome> say(const std::string& message, Language language, const TurnEvents& events, const CancelToken* cancel);
  Result<nlohmann::json> state(const CancelToken* cancel);
  // Renders `draft` ("mp4", or "m4a" for the music alone) to `destination` (exact: replaced if it exists; else the
  // next free name).
  Result<std::filesystem::path> export_draft(const nlohmann::json& draft, const std::filesystem::path& destination, bool exact, const std::string& format,
                                             const nlohmann::json& about, const ProgressFn& progress, const CancelToken* cancel);

 private:
  Status new_session(const CancelToken* cancel);
  // Runs `fn`; when the session is gone (1002), makes a new one, uploads again, and runs it once more.
  template <typename Fn>
  auto with_session(const CancelToken* cancel, Fn fn) -> decltype(fn());

  NemoApi api_;
  std::shared_ptr<RenderJournal> journal_;
  std::string session_;
  std::vector<std::pair<std::filesystem::path, std::string>> uploaded_;
};

}  // namespace bgm
