#pragma once
// The conversation on this machine: the session service and the local engine, offline and free.
// Thread: as Conversation.

#include "session/conversation.h"
#include "session/session_service.h"

namespace bgm {

class LocalConversation final : public Conversation {
 public:
  // `options.make_music` off: a turn only edits the draft, and its export makes the music once (the dock's jobs).
  LocalConversation(SessionService& service, std::string session, ChatOptions options = {})
      : service_(service), session_(std::move(session)), options_(options) {}

  const std::string& session() const override { return session_; }
  Result<UploadedMedia> upload(const std::filesystem::path& file, const ProgressFn& progress, const CancelToken* cancel) override;
  Result<ConversationTurn> say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) override;
  Result<ConversationState> state(const CancelToken* cancel) override;
  Result<std::optional<Credits>> credits(const CancelToken*) override { return std::optional<Credits>(); }
  std::string export_extension(const Draft& draft) const override { return service_.export_extension(draft, "mp4"); }
  Result<std::filesystem::path> export_draft(const Draft& draft, const ExportRequest& request, const ProgressFn& progress,
                                             const CancelToken* cancel) override {
    return service_.export_draft(session_, draft, request.target, cancel, progress);
  }
  std::optional<std::filesystem::path> recording_file(const Draft& draft) override;

 private:
  SessionService& service_;
  std::string session_;
  ChatOptions options_;
};

}  // namespace bgm
