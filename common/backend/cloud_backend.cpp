#include "backend/cloud_backend.h"

#include <cmath>
#include <cstdint>

#include "agent/language.h"
#include "core/atomic_file.h"
#include "core/json_field.h"
#include "core/text.h"
#include "draft/draft_summary.h"
#include "media/muxer.h"
#include "media/smaller_copy.h"
#include "nemo/nemo_conversation.h"
#include "nemo/nemo_state.h"
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
  NemoConversation conv(config_, credentials_, journal_);
  const Language lang = detect_language(job.prompt);
  say(events, "Connecting", {config_.name}, "Connecting to " + config_.name + "...");
  if (events.progress) events.progress(Stage::kWaiting, kIndeterminate);
  const bool follow_up = !job.session_id.empty();
  if (follow_up) conv.resume(job.session_id);
  else if (auto ok = conv.start(cancel); !ok) return ok.error();

  if (job.input && !follow_up) {
    if (auto up = upload_recording(conv, job, events, cancel); !up) return up.error();
  }

  json state, before;
  if (!job.export_only) {
    const StylePreset* style = job.style.empty() ? nullptr : StyleCatalog::builtin().find(job.style);
    const std::string message = follow_up ? job.prompt : cloud_job_message(job, style ? style->name : job.style);
    if (events.progress) events.progress(Stage::kWaiting, kIndeterminate);
    TurnEvents te;
    te.notice = [&](const std::string& text) { say(events, "", {}, text); };
    auto turn = conv.say(message, lang, te, cancel);
    if (!turn) return turn.error();
    if (!turn->reply.empty()) say(events, "AgentReply", {turn->reply}, turn->reply);
    state = turn->state;
    before = turn->before;
  }
  if (!state.is_object() || !state.contains("draft")) {
    auto s = conv.state(cancel);
    if (!s) return s.error();
    state = *s;
  }
  // The draft is exported as the service made it; only the job's mix settings are ours to change.
  auto draft = draft_of_state(state, before.is_null() ? nullptr : &before);
  if (!draft) return draft.error();
  if (draft->only_recording()) {
    return make_error(ErrorCode::kInvalidArgument, lang == Language::kChinese ? "服务没有在时间线上加入音乐，无法导出。换个说法再试？"
                                                                              : "The service did not put music on the timeline, so there is nothing to export. Try asking another way?");
  }
  auto music = draft->music();
  if (!follow_up && music) draft->set_music_mix(job.music_volume, job.duck);
  auto suffix = apply_job_export(job, *draft);
  if (!suffix) return suffix.error();
  if (!music) say(events, "", {}, lang == Language::kChinese ? "时间线上没有能认出的音乐轨道，按服务做好的样子导出。"
                                                             : "No track on the timeline is recognisably the music; exporting it as the service made it.");

  fs::path dir = job.output_dir;
  const std::string style_name = music && !music->style_name.empty() ? music->style_name : std::string();
  std::string stem = "AI Music - " + (style_name.empty() ? std::string("NemoVideo") : style_name);
  if (job.input) {
    if (dir.empty()) dir = fs::absolute(*job.input).parent_path();
    stem = job.input->stem().string() + (job.output == JobOutput::kVideoWithMusic ? "-bgm" + *suffix : "-music");
  } else if (const auto video = draft->video(); video && !video->name.empty()) {
    stem = file_safe(video->name) + "-bgm" + *suffix;  // a follow-up: named after the recording, as its first version
  }
  if (dir.empty()) return make_error(ErrorCode::kInvalidArgument, "Choose an output folder for the result.");
  const bool video_out = draft->video() && !draft->video()->audio && job.output == JobOutput::kVideoWithMusic;
  std::error_code same_ec;
  if (!job.output_file.empty() && job.input && fs::equivalent(job.output_file, *job.input, same_ec)) {
    return make_error(ErrorCode::kInvalidArgument, "The result would replace the recording; it is never written over. Choose another --output.");
  }
  fs::path destination = job.output_file.empty() ? unused_path(dir, stem, video_out ? "mp4" : "m4a") : job.output_file;
  if (auto ok = check_writable_output(destination); !ok) return ok.error();

  const double seconds = static_cast<double>(music ? music->duration_ms : draft->duration_ms()) / 1000.0;
  const json about = {{"style_id", music ? music->style : std::string()}, {"style_name", style_name}, {"duration_s", seconds},
                      {"session", conv.session()}, {"summary", summarize_draft(*draft, lang)}};
  say(events, "Exporting", {}, "Rendering on the server...");
  auto file = conv.export_draft(draft->as_json(), destination, !job.output_file.empty(), video_out ? "mp4" : "m4a", about, events.progress, cancel);
  if (!file) return file.error();
  const std::string name = file->filename().string();
  say(events, "Wrote", {name}, "Wrote " + name + ".");
  return result_from(*file, about);
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
