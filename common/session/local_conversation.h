#pragma once
// The conversation on this machine: the session service and the local engine, offline and free.
// Thread: as Conversation.

#include "session/conversation.h"
#include "session/session_service.h"

namespace bgm {

class LocalConversation final : public Conversation {
 public:
  LocalConversation(SessionService& service, std::string session) : service_(service), session_(std::move(session)) {}

  const std::string& session() const override { return session_; }
  Result<UploadedMedia> upload(const std::filesystem::path& file, const ProgressFn& progress, const CancelToken* cancel) override;
  Status say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) override;
  Result<ConversationState> state(const CancelToken* cancel) override;
  Result<std::optional<Credits>> credits(const CancelToken*) override { return std::optional<Credits>(); }
  std::string export_extension(const Draft& draft) const override { return service_.export_extension(draft, "mp4"); }
  Result<std::filesystem::path> export_draft(const Draft& draft, const std::filesystem::path& target, const ProgressFn& progress,
                                             const CancelToken* cancel) override {
    return service_.export_draft(session_, draft, target, cancel, progress);
  }

 private:
  SessionService& service_;
  std::string session_;
};

}  // namespace bgm
