#pragma once
// The conversation on a NemoVideo server (the cloud, or a studio's `obs-bgm serve`): the drafts it sends read
// liberally (nemo_state.h), exported as it made them.
// Thread: as Conversation.

#include <memory>
#include <optional>
#include <string>

#include "nemo/nemo_conversation.h"
#include "session/conversation.h"

namespace bgm {

class RemoteConversation final : public Conversation {
 public:
  explicit RemoteConversation(const NemoConfig& config);
  // Sharing a backend's credentials and render journal (an export interrupted by quitting is delivered later).
  RemoteConversation(const NemoConfig& config, std::shared_ptr<NemoCredentials> credentials, std::shared_ptr<RenderJournal> journal);

  NemoConversation& nemo() { return conv_; }

  // A token, then a new session (or `session` continued). Errors: those of the service.
  Status connect(const std::optional<std::string>& session, const CancelToken* cancel);

  const std::string& session() const override { return conv_.session(); }
  Result<UploadedMedia> upload(const std::filesystem::path& file, const ProgressFn& progress, const CancelToken* cancel) override;
  Result<ConversationTurn> say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) override;
  Result<ConversationState> state(const CancelToken* cancel) override;
  Result<std::optional<Credits>> credits(const CancelToken* cancel) override;
  std::string export_extension(const Draft& draft) const override;
  Result<std::filesystem::path> export_draft(const Draft& draft, const ExportRequest& request, const ProgressFn& progress,
                                             const CancelToken* cancel) override;
  bool renders_elsewhere() const override { return true; }

 private:
  NemoConversation conv_;
  nlohmann::json before_;  // the state before the last turn: what it added is the music on a draft without roles
};

}  // namespace bgm
