#include "backend/cloud_backend.h"

#include <cmath>
#include <cstdint>

#include "backend/session_job.h"
#include "core/atomic_file.h"
#include "core/json_field.h"
#include "media/muxer.h"
#include "media/smaller_copy.h"
#include "nemo/nemo_conversation.h"
#include "nemo/remote_conversation.h"
#include "spec/style_catalog.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kQuickEdit = "generate background music that matches the mood and length of my video";

JobResult result_from(const fs::path& file, const json& about) {
  JobResult r;
  r.output = file;
  r.style_id = json_field<std::string>(about, "style_id", "");
  r.style_name = json_field<std::string>(about, "style_name", "");
  r.duration_s = json_field<double>(about, "duration_s", 0);
  r.has_video = is_supported_video_output_extension(lower_extension(file));
  r.session_id = json_field<std::string>(about, "session", "");
  r.summary = json_field<std::string>(about, "summary", "");
  return r;
}

// Sends the job's recording; one over the service's limit goes as a 720p copy when the user agreed, else the job
// stops with that offer (4002).
Status upload_recording(NemoConversation& conv, const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
  const fs::path& input = *job.input;
  const std::string name = input.filename().string();
  const auto progress = [&](int64_t done, int64_t total) {
    if (events.progress) events.progress(Stage::kUploading, total > 0 ? static_cast<double>(done) / static_cast<double>(total) : kIndeterminate);
  };
  std::error_code ec;
  const uint64_t limit = conv.api().config().max_upload_bytes;
  const auto size = fs::file_size(input, ec);
  if (ec || size <= limit) {
    say(events, "Uploading", {name}, "Uploading " + name + "...");
    auto up = conv.upload(input, progress, cancel);
    return up ? Status() : Status(up.error());
  }
  if (!job.smaller_copy) {
    return Error(ErrorCode::kInvalidArgument,
                 name + " is over the service's " + std::to_string(limit / (1024 * 1024)) + " MB limit. Send a 720p copy instead (the dock "
                 "offers it; the tool: --smaller-copy), trim it, or use the local engine, which has no limit.", nemo::code_value(nemo::Code::kTooLarge))
        .with(ErrorAction::kSmallerCopy);
  }
  const fs::path dir = job.output_dir.empty() ? fs::absolute(input).parent_path() : job.output_dir;
  auto copy = WorkFile::create(dir, input.stem().string(), ".720p.mp4");
  if (!copy) return copy.error();
  say(events, "SmallerCopy", {name}, "Making a 720p copy of " + name + " to send...");
  if (auto ok = make_smaller_copy(input, copy->path(), 720, cancel, events.progress); !ok) return ok;
  if (fs::file_size(copy->path(), ec) > limit) {
    return Error(ErrorCode::kInvalidArgument, "Even a 720p copy of " + name + " is over the service's limit. Trim it, or use the local engine.",
                 nemo::code_value(nemo::Code::kTooLarge));
  }
  say(events, "Uploading", {name}, "Uploading " + name + " (720p copy)...");
  auto up = conv.upload(copy->path(), progress, cancel, input.stem().string() + ".mp4");
  return up ? Status() : Status(up.error());
}

}  // namespace

std::string cloud_job_message(const JobRequest& job, const std::string& style_name) {
  std::string message = job.prompt;
  if (job.input) {
    if (message.empty()) message = kQuickEdit;
  } else {
    const long seconds = std::lround(job.text_duration_s);
    message = "generate " + (seconds > 0 ? std::to_string(seconds) + " seconds of " : std::string()) + "background music" +
              (message.empty() ? std::string() : ": " + message);
  }
  if (!style_name.empty()) message += " (style: " + style_name + ")";
  return message;
}

CloudBackend::CloudBackend(NemoConfig config)
    : config_(nemo_config_from_env(std::move(config))),
      credentials_(std::make_shared<NemoCredentials>(config_)),
      journal_(std::make_shared<RenderJournal>(config_.state_dir)) {}

CloudBackend::~CloudBackend() = default;

Result<BackendStatus> CloudBackend::status(const JobRequest&, const CancelToken* cancel) {
  NemoConversation conv(config_, credentials_, journal_);
  auto credits = conv.credits(cancel);
  if (!credits) return credits.error();
  BackendStatus s;
  s.name = config_.name;
  s.credits = *credits;
  s.account = credentials_->anonymous() ? "anonymous" : "registered";
  return s;
}

Result<JobResult> CloudBackend::run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
  RemoteConversation conv(config_, credentials_, journal_);
  say(events, "Connecting", {config_.name}, "Connecting to " + config_.name + "...");
  if (events.progress) events.progress(Stage::kWaiting, kIndeterminate);
  const bool follow_up = !job.session_id.empty();
  if (auto ok = conv.connect(follow_up ? std::optional<std::string>(job.session_id) : std::nullopt, cancel); !ok) return ok.error();
  if (job.input && !follow_up) {
    if (auto up = upload_recording(conv.nemo(), job, events, cancel); !up) return up.error();
  }
  const StylePreset* style = job.style.empty() ? nullptr : StyleCatalog::builtin().find(job.style);
  const std::string message = follow_up ? job.prompt : cloud_job_message(job, style ? style->name : job.style);
  return run_session_job(conv, job, SessionJob{message, !follow_up}, events, cancel);
}

Result<std::vector<JobResult>> CloudBackend::deliver_pending(const JobEvents& events, const CancelToken* cancel) {
  std::vector<JobResult> out;
  NemoConversation conv(config_, credentials_, journal_);
  for (const auto& r : journal_->list(conv.api().config().api_base)) {
    auto file = deliver_nemo_render(conv.api(), *journal_, r, events.progress, cancel);
    if (!file) {
      if (file.error().code == ErrorCode::kCancelled) return file.error();
      say(events, "", {}, "An earlier export could not be delivered: " + file.error().message);
      continue;
    }
    say(events, "Wrote", {file->filename().string()}, "Wrote " + file->filename().string() + ".");
    out.push_back(result_from(*file, r.about));
  }
  return out;
}

}  // namespace bgm
