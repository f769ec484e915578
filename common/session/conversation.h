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
  virtual Status say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) = 0;
  virtual Result<ConversationState> state(const CancelToken* cancel) = 0;
  // nullopt: nothing is charged (the local engine).
  virtual Result<std::optional<Credits>> credits(const CancelToken* cancel) = 0;
  // The file type an export of `draft` gets ("mp4", "m4a" for sound alone).
  virtual std::string export_extension(const Draft& draft) const = 0;
  // Renders `draft` to `target`, a new file. Errors: those of the engine or the service.
  virtual Result<std::filesystem::path> export_draft(const Draft& draft, const std::filesystem::path& target, const ProgressFn& progress,
                                                     const CancelToken* cancel) = 0;
};

}  // namespace bgm
