#include <cstdint>

#include "nemo/nemo_conversation.h"

#include "core/atomic_file.h"
#include "core/json_field.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

NemoConversation::NemoConversation(NemoConfig config, std::shared_ptr<NemoCredentials> credentials, std::shared_ptr<RenderJournal> journal)
    : api_(std::move(config), std::move(credentials)), journal_(std::move(journal)) {
  if (!journal_) journal_ = std::make_shared<RenderJournal>(api_.config().state_dir);
}

Status NemoConversation::new_session(const CancelToken* cancel) {
  NemoCall c;
  c.method = "POST";
  c.path = nemo::kRouteSession;
  c.body = json{{"task_name", "project"}, {"language", api_.config().language}};
  auto data = api_.call(c, cancel);
  if (!data) return data.error();
  session_ = json_field<std::string>(*data, "session_id", "");
  if (session_.empty()) return make_error(ErrorCode::kNetwork, "The service made a session without an id.");
  return {};
}

Status NemoConversation::start(const CancelToken* cancel) {
  if (auto t = api_.ensure_token(cancel); !t) return t;
  return new_session(cancel);
}

template <typename Fn>
auto NemoConversation::with_session(const CancelToken* cancel, Fn fn) -> decltype(fn()) {
  if (session_.empty()) {
    if (auto s = new_session(cancel); !s) return s.error();
  }
  auto first = fn();
  if (first || first.error().code != ErrorCode::kNotFoundRemote || first.error().remote_code != nemo::code_value(nemo::Code::kNoSession)) return first;
  if (auto s = new_session(cancel); !s) return s.error();
  const auto files = uploaded_;
  uploaded_.clear();
  for (const auto& [file, name] : files) {
    if (auto up = upload(file, {}, cancel, name); !up) return up.error();
  }
  return fn();
}

Result<Credits> NemoConversation::credits(const CancelToken* cancel) {
  NemoCall c;
  c.path = nemo::kRouteCredits;
  auto data = api_.call(c, cancel);
  if (!data) return data.error();
  Credits out;
  out.available = json_field<double>(*data, "available", 0);
  out.frozen = json_field<double>(*data, "frozen", 0);
  out.total = json_field<double>(*data, "total", out.available + out.frozen);
  return out;
}

Result<json> NemoConversation::upload(const fs::path& file, const std::function<void(int64_t, int64_t)>& progress, const CancelToken* cancel,
                                      const std::string& name) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return make_error(ErrorCode::kNotFound, "No such file: " + file.string() + ".");
  if (!nemo_accepts_extension(lower_extension(file))) {
    return Error(ErrorCode::kUnsupported, std::string("The service does not accept ") + (file.extension().empty() ? "files without a type" : file.extension().string() + " files") +
                                              ". It accepts: " + nemo::kFormats + ".", nemo::code_value(nemo::Code::kUnsupportedType));
  }
  if (fs::file_size(file, ec) > api_.config().max_upload_bytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "The file is over the service's 500 MB limit. Trim it, or make a smaller copy (720p, e.g. with OBS's remux or any editor) "
                 "and use that; the local engine has no such limit.", nemo::code_value(nemo::Code::kTooLarge))
        .with(ErrorAction::kSmallerCopy);
  }
  return with_session(cancel, [&]() -> Result<json> {
    NemoCall c;
    c.method = "POST";
    c.path = nemo::kRouteUpload + session_;
    c.file = file;
    c.file_name = name.empty() ? file.filename().string() : name;
    c.progress = progress;
    auto data = api_.call(c, cancel);
    if (data) uploaded_.emplace_back(file, c.file_name);
    return data;
  });
}

Result<TurnOutcome> NemoConversation::say(const std::string& message, Language language, const TurnEvents& events, const CancelToken* cancel) {
  return with_session(cancel, [&] { return run_nemo_turn(api_, session_, message, language, events, cancel); });
}

Result<json> NemoConversation::state(const CancelToken* cancel) {
  return with_session(cancel, [&] { return read_nemo_state(api_, session_, cancel); });
}

Result<fs::path> NemoConversation::export_draft(const json& draft, const fs::path& destination, bool exact, const std::string& format,
                                                const json& about, const ProgressFn& progress, const CancelToken* cancel) {
  PendingRender r;
  r.session = session_;
  r.destination = destination;
  r.exact = exact;
  r.about = about;
  return start_nemo_render(api_, *journal_, r, draft, format, progress, cancel);
}

}  // namespace bgm
