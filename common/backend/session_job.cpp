#include "backend/session_job.h"

#include "agent/language.h"
#include "core/atomic_file.h"
#include "core/text.h"
#include "draft/draft_summary.h"
#include "media/muxer.h"

namespace bgm {
namespace fs = std::filesystem;

namespace {

// Where the result goes and what it is called: beside the recording, named after it ("clip-bgm-shorts.mp4").
struct Placement {
  fs::path dir;
  std::string stem;
};

Placement place(Conversation& conv, const JobRequest& job, const Draft& draft) {
  Placement p{job.output_dir, {}};
  const auto recording = job.input ? std::optional<fs::path>(fs::absolute(*job.input)) : conv.recording_file(draft);
  if (recording) {
    if (p.dir.empty()) p.dir = recording->parent_path();
    p.stem = job.output == JobOutput::kVideoWithMusic ? result_stem(recording->stem().string(), draft) : recording->stem().string() + "-music";
  } else if (const auto video = draft.video(); video && !video->name.empty()) {
    p.stem = result_stem(file_safe(video->name), draft);  // named after the recording, as its first version
  } else {
    const auto music = draft.music();
    p.stem = "AI Music - " + (music && !music->style_name.empty() ? music->style_name : std::string("music"));
  }
  return p;
}

}  // namespace

Result<JobResult> run_session_job(Conversation& conv, const JobRequest& job, const SessionJob& how, const JobEvents& events,
                                  const CancelToken* cancel) {
  const Language lang = detect_language(job.prompt);
  const bool zh = lang == Language::kChinese;
  if (!job.export_only) {
    if (events.progress) events.progress(Stage::kWaiting, kIndeterminate);
    ConversationEvents ev;
    ev.notice = [&](const std::string& text) { say(events, "", {}, text); };
    ev.progress = events.progress;
    auto turn = conv.say(how.message, ev, cancel);
    if (!turn) return turn.error();
    if (!turn->reply.empty()) say(events, "AgentReply", {turn->reply}, turn->reply);
    if (!turn->understood) return make_error(ErrorCode::kInvalidArgument, turn->reply);
  }
  auto state = conv.state(cancel);
  if (!state) return state.error();
  // Exported as it was made; only the job's own settings are ours to change.
  Draft draft = state->draft;
  if (draft.only_recording()) {
    if (conv.renders_elsewhere()) {
      return make_error(ErrorCode::kInvalidArgument, zh ? "服务没有在时间线上加入音乐，无法导出。换个说法再试？"
                                                        : "The service did not put music on the timeline, so there is nothing to export. Try asking another way?");
    }
    return make_error(ErrorCode::kInvalidArgument, zh ? "时间线上没有音乐，无法导出。" : "The timeline has no music to export.");
  }
  const auto music = draft.music();
  if (how.first_turn && music) draft.set_music_mix(job.music_volume, job.duck);
  if (auto ok = apply_job_export(job, draft); !ok) return ok.error();
  if (!music) say(events, "", {}, zh ? "时间线上没有能认出的音乐轨道，按服务做好的样子导出。" : "No track on the timeline is recognisably the music; exporting it as it was made.");

  const Placement where = place(conv, job, draft);
  if (where.dir.empty() && job.output_file.empty()) return make_error(ErrorCode::kInvalidArgument, "Choose an output folder for the result.");
  std::error_code same;
  if (!job.output_file.empty() && job.input && fs::equivalent(job.output_file, *job.input, same)) {
    return make_error(ErrorCode::kInvalidArgument, "The result would replace the recording; it is never written over. Choose another --output.");
  }
  const std::string ext = job.output == JobOutput::kAudioTrack ? "m4a" : conv.export_extension(draft);
  ExportRequest request{job.output_file.empty() ? unused_path(where.dir, where.stem, ext) : job.output_file, !job.output_file.empty(), {}};
  if (auto ok = check_writable_output(request.target); !ok) return ok.error();
  const std::string style_name = music ? music->style_name : std::string();
  const double seconds = static_cast<double>(music ? music->duration_ms : draft.duration_ms()) / 1000.0;
  request.about = {{"style_id", music ? music->style : std::string()}, {"style_name", style_name}, {"duration_s", seconds},
                   {"session", conv.session()}, {"summary", summarize_draft(draft, lang)}};
  if (conv.renders_elsewhere()) say(events, "Exporting", {}, "Rendering on the server...");
  auto file = conv.export_draft(draft, request, events.progress, cancel);
  if (!file) return file.error();
  const std::string name = file->filename().string();
  say(events, "Wrote", {name}, "Wrote " + name + ".");
  JobResult result;
  result.output = *file;
  result.style_id = music ? music->style : std::string();
  result.style_name = style_name;
  result.duration_s = seconds;
  result.has_video = is_supported_video_output_extension(lower_extension(*file));
  result.session_id = conv.session();
  result.summary = summarize_draft(draft, lang);
  return result;
}

}  // namespace bgm
