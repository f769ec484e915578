#include "nemo/remote_conversation.h"

#include "agent/language.h"
#include "core/atomic_file.h"
#include "core/json_field.h"
#include "nemo/nemo_state.h"

namespace bgm {
namespace fs = std::filesystem;

RemoteConversation::RemoteConversation(const NemoConfig& config) : conv_(config, std::make_shared<NemoCredentials>(config), nullptr) {}

RemoteConversation::RemoteConversation(const NemoConfig& config, std::shared_ptr<NemoCredentials> credentials, std::shared_ptr<RenderJournal> journal)
    : conv_(config, std::move(credentials), std::move(journal)) {}

Status RemoteConversation::connect(const std::optional<std::string>& session, const CancelToken* cancel) {
  if (!session) return conv_.start(cancel);
  conv_.resume(*session);
  return {};
}

Result<UploadedMedia> RemoteConversation::upload(const fs::path& file, const ProgressFn& progress, const CancelToken* cancel) {
  auto up = conv_.upload(file, [&](int64_t done, int64_t total) {
    if (progress) progress(Stage::kUploading, total > 0 ? static_cast<double>(done) / static_cast<double>(total) : kIndeterminate);
  }, cancel);
  if (!up) return up.error();
  return UploadedMedia{file.filename().string(), 0};
}

Result<ConversationTurn> RemoteConversation::say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) {
  TurnEvents ev;
  ev.text = events.text;
  ev.notice = events.notice;
  auto out = conv_.say(message, detect_language(message), ev, cancel);
  if (!out) return out.error();
  before_ = out->before;
  return ConversationTurn{out->reply, true};
}

Result<ConversationState> RemoteConversation::state(const CancelToken* cancel) {
  auto s = conv_.state(cancel);
  if (!s) return s.error();
  // Read as the service made it, with what the session holds (and what the last turn added).
  const DraftMedia media = media_of_state(*s, before_.is_null() ? nullptr : &before_);
  auto draft = draft_of(json_member(*s, "draft"), media);
  if (!draft) return draft.error();
  ConversationState out;
  out.draft = *draft;
  // A server that keeps a timeline per recording (ours) lists them.
  const auto& timelines = json_member(*s, "timelines");
  if (timelines.is_array()) {
    for (const auto& t : timelines)
      if (auto d = draft_of(json_member(t, "draft"), media); d && !d->empty()) out.timelines.push_back(*d);
  }
  return out;
}

Result<std::optional<Credits>> RemoteConversation::credits(const CancelToken* cancel) {
  auto c = conv_.credits(cancel);
  if (!c) return c.error();
  return std::optional<Credits>(*c);
}

std::string RemoteConversation::export_extension(const Draft& draft) const {
  const auto video = draft.video();
  return video && !video->audio ? "mp4" : "m4a";
}

Result<fs::path> RemoteConversation::export_draft(const Draft& draft, const ExportRequest& request, const ProgressFn& progress, const CancelToken* cancel) {
  const std::string ext = lower_extension(request.target) == "m4a" ? "m4a" : export_extension(draft);
  return conv_.export_draft(draft.as_json(), request.target, request.replace, ext, request.about, progress, cancel);
}

}  // namespace bgm
