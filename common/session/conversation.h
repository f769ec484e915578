#pragma once
// A conversation about a draft, whoever holds it: the in-process session service on the local engine
// (LocalConversation) or a NemoVideo server, the cloud or a studio's `obs-bgm serve` (RemoteConversation in nemo/).
// `obs-bgm chat` talks to this one interface; what is behind it answers in drafts, not in a wire's JSON.
// Thread: one conversation per thread at a time; cancel from any thread.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/credits.h"
#include "core/progress.h"
#include "core/result.h"
#include <nlohmann/json.hpp>
#include "draft/draft.h"

namespace bgm {

struct ConversationEvents {
  std::function<void(const std::string& text)> text;    // a piece of the answer, as it is known
  std::function<void(const std::string& text)> notice;  // words about the wait ("Still working...")
  ProgressFn progress;                                  // rendering, uploading
};

struct UploadedMedia {
  std::string name;       // as the session calls it
  double duration_s = 0;  // 0: not said
};

struct ConversationTurn {
  std::string reply;       // the whole answer
  bool understood = true;  // false: nothing changed, the reply says what can be asked (our own agent)
};

struct ExportRequest {
  std::filesystem::path target;
  bool replace = false;  // a file at `target` is replaced (an exact --output); else it must be new
  nlohmann::json about;  // kept with a render made elsewhere, so an interrupted one is delivered later as this
};

struct ConversationState {
  Draft draft;                  // the timeline a turn talks to
  std::vector<Draft> timelines; // every recording's own, when the session holds several (else empty)
};

class Conversation {
 public:
  virtual ~Conversation() = default;
  virtual const std::string& session() const = 0;
  // Errors: kNotFound (no such file), kUnsupported, kInvalidArgument (over a limit), those of the service.
  virtual Result<UploadedMedia> upload(const std::filesystem::path& file, const ProgressFn& progress, const CancelToken* cancel) = 0;
  // One turn; the answer arrives through `events.text`. Errors: the service's, the engine's, kCancelled.
  virtual Result<ConversationTurn> say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) = 0;
  virtual Result<ConversationState> state(const CancelToken* cancel) = 0;
  // nullopt: nothing is charged (the local engine).
  virtual Result<std::optional<Credits>> credits(const CancelToken* cancel) = 0;
  // The file type an export of `draft` gets ("mp4", "m4a" for sound alone).
  virtual std::string export_extension(const Draft& draft) const = 0;
  // Renders `draft` as asked. Errors: those of the engine or the service.
  virtual Result<std::filesystem::path> export_draft(const Draft& draft, const ExportRequest& request, const ProgressFn& progress,
                                                     const CancelToken* cancel) = 0;
  // The recording a draft is made for, when it is a file on this machine (its name and folder name the result).
  virtual std::optional<std::filesystem::path> recording_file(const Draft&) { return std::nullopt; }
  // Whether exports are rendered elsewhere (a server), which the user is told while waiting.
  virtual bool renders_elsewhere() const { return false; }
};

}  // namespace bgm
