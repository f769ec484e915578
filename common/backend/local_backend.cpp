#include "backend/local_backend.h"

#include <cmath>
#include <sstream>

#include "core/atomic_file.h"
#include "core/text.h"
#include "engine/generate.h"
#include "engine/score.h"
#include "media/media_probe.h"
#include "spec/prompt_parser.h"
#include "spec/spec_format.h"
#include "synth/soundfont_synth.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

void say(const JobEvents& events, const std::string& line) {
  if (events.transcript) events.transcript(line);
}

// The first line of the spec's description: "Style: Lo-fi · Mood: relaxed · 78 BPM · A minor · 30.0 s".
std::string spec_headline(const MusicSpec& spec) {
  std::istringstream in(describe_spec(spec));
  std::string line;
  std::getline(in, line);
  return line;
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << s << " s";
  return out.str();
}

Result<JobResult> score_file(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
  const fs::path& input = *job.input;
  auto info = probe_media(input);
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
    req.analysis_file = analysis;
    say(events, "Using the analysis recorded live in OBS (" + analysis.filename().string() + "): no second pass over the video.");
  }
  const bool video_out = job.output == JobOutput::kVideoWithMusic && info->kind != MediaKind::kAudio;
  std::string ext = "m4a";
  if (video_out) ext = lower_extension(default_score_output(*info));
  const fs::path dir = job.output_dir.empty() ? input.parent_path() : job.output_dir;
  req.output = unused_path(dir, input.stem().string() + (video_out ? "-bgm" : "-music"), ext);
  if (!video_out && info->kind != MediaKind::kAudio) req.mode = MixMode::kReplace;  // the music alone

  auto r = score_recording(req, cancel, events.progress);
  if (!r) return r.error();
  say(events, "Understood: " + spec_headline(r->spec) + ".");
  if (info->kind != MediaKind::kAudio) {
    say(events, "Followed the video: " + std::to_string(r->analysis.cuts.size()) + " cuts, " +
                    std::to_string(r->analysis.scene_switches.size()) + " scene switches, " + seconds_text(r->duration_s) + ".");
  }
  if (job.duck && !r->audio.speech.empty()) {
    say(events, "Stepped the music back under " + std::to_string(r->audio.speech.size()) + " stretches of speech.");
  }
  say(events, "Wrote " + r->output.filename().string() + (r->video_copied ? " (the video copied, not re-encoded)." : "."));
  return JobResult{r->output, r->spec.style_name, r->duration_s, video_out};
}

Result<JobResult> generate_from_text(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
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
  auto r = generate_music(req, cancel, events.progress);
  if (!r) return r.error();
  say(events, "Understood: " + spec_headline(r->spec) + ".");
  say(events, "Wrote " + r->output.filename().string() + ".");
  return JobResult{r->output, r->spec.style_name, static_cast<double>(r->frames) / r->sample_rate, false};
}

}  // namespace

fs::path analysis_path_for(const fs::path& recording) { return fs::path(recording.string() + ".bgm.json"); }

Result<BackendStatus> LocalBackend::connect(const CancelToken*) {
  if (!default_soundfont_path()) return make_error(ErrorCode::kResourceMissing, missing_soundfont_message({}));
  return BackendStatus{"Local engine", std::nullopt};
}

Result<JobResult> LocalBackend::run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) {
  return job.input ? score_file(job, events, cancel) : generate_from_text(job, events, cancel);
}

}  // namespace bgm
