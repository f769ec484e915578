#include "backend/local_backend.h"

#include <cstdio>

#include <cmath>
#include <sstream>

#include "backend/session_job.h"
#include "core/atomic_file.h"
#include "core/text.h"
#include "draft/draft_summary.h"
#include "session/local_conversation.h"
#include "session/session_service.h"
#include "engine/generate.h"
#include "engine/score.h"
#include "media/media_probe.h"
#include "music/theory.h"
#include "spec/prompt_parser.h"
#include "spec/spec_format.h"
#include "synth/soundfont_synth.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

std::string one_decimal(double s) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << s;
  return out.str();
}

// "Understood: Style: Lo-fi · Mood: relaxed · 78 BPM · A minor · 30.0 s."
void say_understood(const JobEvents& events, const MusicSpec& spec) {
  std::istringstream in(describe_spec(spec));
  std::string headline;
  std::getline(in, headline);
  say(events, "Understood",
      {"@Style." + spec.style_id, "@Mood." + (spec.mood.empty() ? std::string("none") : spec.mood),
       pitch_class_name(spec.key.tonic, false), "@Mode." + std::string(mode_name(spec.key.mode)),
       std::to_string(static_cast<int>(std::lround(spec.tempo_bpm))), one_decimal(spec.duration_s)},
      "Understood: " + headline + ".");
}

using KeepFn = std::function<void(const AdoptedResult& made, JobResult& result)>;

// What was measured on the result and what it is made from: the render's statement, in the transcript.
void say_statement(const JobEvents& events, const RenderStatement& st) {
  char lufs[16], peak[16];
  std::snprintf(lufs, sizeof lufs, "%.1f", st.integrated_lufs);
  std::snprintf(peak, sizeof peak, "%.1f", st.true_peak_dbtp);
  say(events, "Measured", {lufs, peak}, std::string("Measured ") + lufs + " LUFS, true peak " + peak + " dBTP.");
  if (!st.cuts.empty()) {
    char far[16];
    std::snprintf(far, sizeof far, "%.2f", farthest_cut_s(st));
    const std::string n = std::to_string(st.cuts.size());
    say(events, "MeasuredCuts", {n, far}, n + " cuts and scene switches; the farthest is " + far + " s from a section change.");
  }
  say(events, "Licence", {st.soundfont.name, st.soundfont.licence},
      "Music composed by obs-bgm, free to use. Instruments: " + st.soundfont.name + " SoundFont (" + st.soundfont.licence + ").");
}

Result<JobResult> score_file(const JobRequest& job, const JobEvents& events, const CancelToken* cancel, const KeepFn& keep) {
  const fs::path& input = *job.input;
  auto info = probe_media(input, cancel);
  if (!info) return info.error();
  ScoreRequest req;
  req.input = input;
  req.spec.prompt = job.prompt;
  if (!job.style.empty()) req.spec.style = job.style;
  req.spec.seed = job.seed;
  req.music_volume = job.music_volume;
  req.duck_db = job.duck ? std::optional<double>(12.0) : std::nullopt;
  req.synth.soundfont = job.soundfont;
  req.synth.cpu_cores = 2;
  const fs::path analysis = analysis_path_for(input);
  std::error_code ec;
  if (info->kind == MediaKind::kVideo && fs::is_regular_file(analysis, ec)) {
    // Checked, not trusted: one left by an earlier recording of the same name is ignored.
    const std::string name = analysis.filename().string();
    auto a = read_analysis_file(analysis);
    if (a && (!a->recording || a->recording == recording_identity(input))) {
      req.analysis_file = analysis;
      say(events, "AnalysisUsed", {name}, "Using the analysis recorded live in OBS (" + name + "): no second pass over the video.");
    } else {
      say(events, "AnalysisIgnored", {name},
          "Ignored " + name + " (" + (a ? std::string("it belongs to an earlier recording of the same name") : a.error().message) +
              "); analysing the video instead.");
    }
  }
  const bool video_out = job.output == JobOutput::kVideoWithMusic && info->kind != MediaKind::kAudio;
  std::string ext = "m4a";
  if (video_out) ext = lower_extension(default_score_output(*info));
  const fs::path dir = job.output_dir.empty() ? input.parent_path() : job.output_dir;
  req.output = unused_path(dir, input.stem().string() + (video_out ? "-bgm" : "-music"), ext);
  req.keep_existing = true;  // another result written meanwhile (a second OBS, the tool) is never replaced
  if (!video_out && info->kind != MediaKind::kAudio) req.mode = MixMode::kReplace;  // the music alone

  req.on_plan = [&](const MusicSpec& spec) { say_understood(events, spec); };  // before the render, not after
  auto r = score_recording(req, cancel, events.progress);
  if (!r) return r.error();
  if (info->kind != MediaKind::kAudio) {
    const std::string cuts = std::to_string(r->analysis.cuts.size()), switches = std::to_string(r->analysis.scene_switches.size());
    say(events, "Followed", {cuts, switches, one_decimal(r->duration_s)},
        "Followed the video: " + cuts + " cuts, " + switches + " scene switches, " + one_decimal(r->duration_s) + " s.");
  }
  if (job.duck && !r->audio.speech.empty()) {
    const std::string n = std::to_string(r->audio.speech.size());
    say(events, "Ducked", {n}, "Stepped the music back under " + n + " stretches of speech.");
  }
  const std::string name = r->output.filename().string();
  say_statement(events, r->statement);
  if (r->video_copied) say(events, "WroteCopied", {name}, "Wrote " + name + " (the video copied, not re-encoded).");
  else say(events, "Wrote", {name}, "Wrote " + name + ".");
  JobResult result{r->output, r->spec.style_id, r->spec.style_name, r->duration_s, video_out, {}, {}};
  // A session to refine it in: for the recording with music (a video, or a sound recording with music under it).
  if (keep && (video_out || info->kind == MediaKind::kAudio)) {
    AdoptedResult made;
    made.recording = input;
    made.picture = video_out;
    made.prompt = job.prompt;
    made.spec = r->spec;
    made.duration_s = r->duration_s;
    made.volume = r->music_volume;
    made.duck = job.duck;
    made.analysis = video_out ? &r->analysis : nullptr;
    keep(made, result);
  }
  return result;
}

Result<JobResult> generate_from_text(const JobRequest& job, const JobEvents& events, const CancelToken* cancel, const KeepFn& keep) {
  if (job.output_dir.empty()) return make_error(ErrorCode::kInvalidArgument, "Choose an output folder for music made from text alone.");
  GenerateRequest req;
  req.spec.prompt = job.prompt;
  if (!job.style.empty()) req.spec.style = job.style;
  req.spec.seed = job.seed;
  // The prompt's own length wins; otherwise the job's.
  if (!parse_prompt(job.prompt, StyleCatalog::builtin()).duration_s) req.spec.duration_s = job.text_duration_s;
  auto spec = build_music_spec(req.spec, StyleCatalog::builtin());
  if (!spec) return spec.error();
  req.spec.seed = spec->seed;  // the same piece the name was chosen for
  req.synth.soundfont = job.soundfont;
  req.synth.cpu_cores = 2;
  req.output = unused_path(job.output_dir, file_safe("AI Music - " + spec->style_name), "m4a");
  req.keep_existing = true;
  req.on_plan = [&](const MusicSpec& spec) { say_understood(events, spec); };  // before the render, not after
  auto r = generate_music(req, cancel, events.progress);
  if (!r) return r.error();
  say_statement(events, r->statement);
  say(events, "Wrote", {r->output.filename().string()}, "Wrote " + r->output.filename().string() + ".");
  JobResult result{r->output, r->spec.style_id, r->spec.style_name, static_cast<double>(r->frames) / r->sample_rate, false, {}, {}};
  if (keep) {
    AdoptedResult made;
    made.prompt = job.prompt;
    made.spec = r->spec;
    made.duration_s = result.duration_s;
    keep(made, result);
  }
  return result;
}

}  // namespace

fs::path analysis_path_for(const fs::path& recording) { return fs::path(recording.string() + ".bgm.json"); }

Result<BackendStatus> LocalBackend::status(const JobRequest& typical, const CancelToken*) {
  // The SoundFont the jobs will use: the chosen one, else the default.
  std::error_code ec;
  if (!typical.soundfont.empty() && !fs::is_regular_file(typical.soundfont, ec)) {
    return make_error(ErrorCode::kResourceMissing, missing_soundfont_message(typical.soundfont));
  }
  if (typical.soundfont.empty() && !default_soundfont_path()) return make_error(ErrorCode::kResourceMissing, missing_soundfont_message({}));
  return BackendStatus{"Local engine", std::nullopt, {}};
}

struct LocalBackend::Sessions {
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<SessionService> service;
};

LocalBackend::LocalBackend(LocalOptions options) : options_(std::move(options)) {}
LocalBackend::~LocalBackend() = default;

LocalBackend::Sessions* LocalBackend::sessions(std::string& error) {
  if (options_.sessions_dir.empty()) return nullptr;
  if (!sessions_) {
    auto store = SessionStore::open(options_.sessions_dir);
    if (!store) {
      error = store.error().message;
      return nullptr;
    }
    auto s = std::make_unique<Sessions>();
    s->store = std::move(store).value();
    ServiceOptions service;
    service.synth.cpu_cores = 2;
    s->service = std::make_unique<SessionService>(*s->store, service);
    sessions_ = std::move(s);
  }
  return sessions_.get();
}

void LocalBackend::keep_session(const JobRequest& job, const AdoptedResult& made, JobResult& result) {
  std::string error;
  Sessions* s = sessions(error);
  if (!s) return;  // the result stands; it just cannot be refined
  AdoptedResult copy = made;
  copy.language = language_code(detect_language(job.prompt));
  auto session = s->service->adopt(copy);
  if (!session) return;
  result.session_id = session->id;
  result.summary = summarize_draft(session->draft, detect_language(job.prompt));
}

Result<JobResult> LocalBackend::continue_session(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
  std::string error;
  Sessions* s = sessions(error);
  if (!s) return make_error(ErrorCode::kResourceMissing, error.empty() ? "This engine keeps no sessions." : error);
  auto session = s->store->session(job.session_id);
  if (!session) return session.error();
  if (!*session) return make_error(ErrorCode::kNotFound, "That result's session is gone; generate it again to refine it.");
  ChatOptions options;
  options.make_music = false;  // the export makes it, once
  LocalConversation conv(*s->service, job.session_id, options);
  return run_session_job(conv, job, SessionJob{job.prompt, false}, events, cancel);
}

Result<JobResult> LocalBackend::run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
  if (!job.session_id.empty()) return continue_session(job, events, cancel);
  KeepFn keep;
  if (!options_.sessions_dir.empty()) keep = [&](const AdoptedResult& made, JobResult& result) { keep_session(job, made, result); };
  return job.input ? score_file(job, events, cancel, keep) : generate_from_text(job, events, cancel, keep);
}

}  // namespace bgm
