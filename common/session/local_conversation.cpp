#include "session/local_conversation.h"

#include "core/json_field.h"
#include "core/random_id.h"

namespace bgm {
namespace fs = std::filesystem;

Result<UploadedMedia> LocalConversation::upload(const fs::path& file, const ProgressFn&, const CancelToken* cancel) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return make_error(ErrorCode::kNotFound, "No such file: " + file.string());
  // A copy in the session's folder: the session keeps its media whatever happens to the original.
  auto rel = service_.store().media_file_for(session_, random_id("part_"), ".upload");
  if (!rel) return rel.error();
  const fs::path copy = service_.store().absolute(*rel);
  fs::copy_file(file, copy, ec);
  if (ec) return make_error(ErrorCode::kIo, "Could not copy the file: " + ec.message());
  auto m = service_.add_upload(session_, copy, file.filename().string(), cancel);
  if (!m) return m.error();
  return UploadedMedia{m->name, static_cast<double>(json_field<int64_t>(m->info, "duration_ms", 0)) / 1000.0};
}

Result<ConversationTurn> LocalConversation::say(const std::string& message, const ConversationEvents& events, const CancelToken* cancel) {
  ChatEvents ev;
  ev.text = events.text;
  ev.progress = events.progress;
  auto out = service_.chat(session_, message, ev, cancel, options_);
  if (!out) return out.error();
  return ConversationTurn{out->reply, out->understood};
}

std::optional<fs::path> LocalConversation::recording_file(const Draft& draft) {
  const auto video = draft.video();
  if (!video || video->source.empty()) return std::nullopt;
  auto file = service_.source_path(session_, video->source);
  return file ? std::optional<fs::path>(*file) : std::nullopt;
}

Result<ConversationState> LocalConversation::state(const CancelToken*) {
  auto s = service_.state(session_);
  if (!s) return s.error();
  ConversationState out;
  out.draft = Draft::from_json((*s)["draft"]).value_or(Draft());
  if (s->contains("timelines")) {
    for (const auto& t : (*s)["timelines"])
      if (auto d = Draft::from_json(t["draft"])) out.timelines.push_back(*d);
  }
  return out;
}

}  // namespace bgm
