// obs-bgm score: a recording in, the same recording with music out.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "cli/remote_job.h"
#include "cli/score_batch.h"
#include "backend/cloud_backend.h"
#include "music/theory.h"
#include "core/atomic_file.h"
#include "core/json_text.h"
#include "agent/message_words.h"
#include "engine/engine_json.h"
#include "engine/score.h"
#include "spec/spec_format.h"

namespace bgm::cli {
namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm score INPUT [options]\n"
    "       obs-bgm score INPUT INPUT... | FOLDER [options]\n"
    "\n"
    "Scores a recording (mp4 mov avi webm mkv; mp3 wav m4a aac; or a still picture: jpg png gif webp) with music\n"
    "that fits its mood, cuts and length, mixes it under the recording's sound (ducked while someone talks), and\n"
    "writes a new file: the video stream is copied, not re-encoded, unless a title, a lower height or the container\n"
    "asks for it. The recording itself is never written to.\n"
    "Several recordings (or a folder's) are scored one after another with the same options, each result beside\n"
    "its recording; one that fails is reported and the rest go on; a table ends it, and the exit code is 0 only\n"
    "when every one was scored.\n"
    "\n"
    "  -o, --output OUT       the result (.mp4 .mov .mkv .webm, or .m4a .wav .mp3 for sound only);\n"
    "                         default: <name>-bgm.<ext> beside the input\n"
    "  -p, --prompt TEXT      what you want; where it is silent the picture decides (mood, energy)\n"
    "  -s, --style NAME       a style (see 'obs-bgm styles')\n"
    "      --music-volume PCT the music's level under the recording's sound (default 35)\n"
    "      --duck DB|off      how far the music drops under speech (default 12)\n"
    "      --mode mix|replace keep the recording's sound (mix, default) or replace it with the music\n"
    "      --keep-tracks      also store the music alone and the original sound as extra audio tracks\n"
    "      --title TEXT       draw a title over the first seconds (re-encodes the video: H.264, VP9 for WebM)\n"
    "      --title-duration S how long the title shows (default 3)\n"
    "      --max-height PX    scale the video down to this height, e.g. 1080 (re-encodes only when it is taller)\n"
    "      --preset NAME      a platform's export (.mp4): youtube, shorts, tiktok, douyin, reels, x, x-vertical,\n"
    "                         bilibili (frame, frame rate, length cap, H.264 settings, AAC, -14 LUFS, faststart)\n"
    "      --reframe fit|crop a 16:9 picture in a vertical frame: the whole picture over a blurred copy (fit,\n"
    "                         default), or a window that follows the action, shot by shot (crop)\n"
    "      --range A-B        only this part, e.g. 1:20-2:50, with music composed for it (ends on its last frame)\n"
    "      --duration S       for a still picture (jpg png gif webp): the length of the video it becomes (default 30)\n"
    "      --analysis FILE    the analysis the OBS filter wrote (<recording>.bgm.json): no second decode\n"
    "      --stems DIR        the music's parts as WAV files, after ducking\n"
    "      --seed N           the same recording, options and seed give the same music\n"
    "      --soundfont FILE   the General MIDI SoundFont\n"
    "      --json             print the result (or the error) as JSON\n"
    "  -q, --quiet            no progress bar and no summary\n";

constexpr const char* kExamples =
    "\n"
    "Examples:\n"
    "  obs-bgm score \"2026-12-07 10-00-00.mkv\"\n"
    "  obs-bgm score rec.mkv -p \"tense, cinematic\" --music-volume 25 -o rec-scored.mp4\n"
    "  obs-bgm score rec.mkv --preset shorts --reframe crop\n"
    "  obs-bgm score rec.mkv --range 1:20-2:50 -o highlight.mp4\n"
    "  obs-bgm score ~/Videos/ --style lofi                 every recording in a folder\n";

// The job for a remote backend: the options it understands; the engine's own options are refused by name.
Result<JobRequest> remote_score_job(const Args& args, const std::filesystem::path& input) {
  for (const char* local_only : {"--analysis", "--stems", "--soundfont", "--keep-tracks", "--title", "--title-duration", "--max-height", "--mode", "--duration",
                                 "--preset", "--reframe", "--range"}) {
    if (args.has(local_only)) return make_error(ErrorCode::kInvalidArgument, std::string(local_only) + " works with the local engine only (leave out --backend).");
  }
  JobRequest job;
  job.input = input;
  job.prompt = args.get("--prompt").value_or("");
  job.style = args.get("--style").value_or("");
  auto volume = args.number("--music-volume");
  if (!volume) return volume.error();
  if (*volume) {
    if (**volume < 0 || **volume > 100) return make_error(ErrorCode::kInvalidArgument, "--music-volume is a percentage from 0 to 100.");
    job.music_volume = **volume / 100.0;
  }
  if (auto d = args.get("--duck")) job.duck = !(*d == "off" || *d == "0");
  if (auto o = args.get("--output")) {
    const std::string ext = lower_extension(*o);
    if (ext != "mp4" && ext != "m4a") return make_error(ErrorCode::kInvalidArgument, "With --backend nemovideo the result is .mp4 (or .m4a for the music alone).");
    job.output_file = *o;
    job.output = ext == "m4a" ? JobOutput::kAudioTrack : JobOutput::kVideoWithMusic;
  }
  auto seed = args.whole("--seed");
  if (!seed) return seed.error();
  job.seed = *seed;
  job.smaller_copy = args.has("--smaller-copy");
  return job;
}

// --preset, --reframe and --range.
Status read_export_options(const Args& args, ScoreRequest& req) {
  if (auto name = args.get("--preset")) {
    auto preset = require_export_preset(*name);
    if (!preset) return preset.error();
    req.preset = **preset;
  }
  if (auto r = args.get("--reframe")) {
    const auto reframe = parse_reframe(*r);
    if (!reframe) return make_error(ErrorCode::kInvalidArgument, "--reframe is fit or crop, not '" + *r + "'.");
    if (!req.preset) return make_error(ErrorCode::kInvalidArgument, "--reframe goes with a --preset of another shape (e.g. --preset shorts).");
    req.reframe = *reframe;
  }
  if (auto r = args.get("--range")) {
    const auto span = find_time_range(normalize_message(*r));
    if (!span) return make_error(ErrorCode::kInvalidArgument, "--range is a start and an end, e.g. 1:20-2:50 or 80s-170s.");
    req.range = *span;
  }
  return {};
}

std::string describe_reframe(const ReframePlan& plan) {
  size_t cropped = 0;
  for (const auto& shot : plan.shots) cropped += shot.crop ? 1 : 0;
  return std::to_string(plan.shots.size()) + (plan.shots.size() == 1 ? " shot" : " shots") + ", " + std::to_string(cropped) + " cropped to follow the action, " +
         std::to_string(plan.shots.size() - cropped) + " fitted whole";
}

nlohmann::json reframe_to_json(const ReframePlan& plan) {
  nlohmann::json shots = nlohmann::json::array();
  for (const auto& shot : plan.shots) {
    nlohmann::json path = nlohmann::json::array();
    for (const auto& p : shot.path) path.push_back({p.t, p.centre});
    shots.push_back({{"start_s", shot.start}, {"end_s", shot.end}, {"crop", shot.crop}, {"coverage", shot.coverage}, {"path", path}});
  }
  return {{"window", plan.window}, {"shots", shots}};
}

// The engine's request for `input` from the command line.
Result<ScoreRequest> score_request_from(const Args& args, const std::filesystem::path& input) {
  ScoreRequest req;
  req.input = input;
  if (auto o = args.get("--output")) req.output = *o;
  req.spec.prompt = args.get("--prompt").value_or("");
  req.spec.style = args.get("--style");
  auto seed = args.whole("--seed");
  if (!seed) return seed.error();
  req.spec.seed = *seed;
  auto volume = args.number("--music-volume");
  if (!volume) return volume.error();
  if (*volume) {
    if (**volume < 0 || **volume > 100) return make_error(ErrorCode::kInvalidArgument, "--music-volume is a percentage from 0 to 100.");
    req.music_volume = **volume / 100.0;
  }
  if (auto d = args.get("--duck")) {
    if (*d == "off" || *d == "0") {
      req.duck_db.reset();
    } else {
      auto db = args.number("--duck");
      if (!db || !*db || **db < 0 || **db > 40) return make_error(ErrorCode::kInvalidArgument, "--duck is a number of dB from 0 to 40, or off.");
      req.duck_db = **db;
    }
  }
  if (auto m = args.get("--mode")) {
    if (*m == "mix") req.mode = MixMode::kMix;
    else if (*m == "replace") req.mode = MixMode::kReplace;
    else return make_error(ErrorCode::kInvalidArgument, "--mode is mix or replace, not '" + *m + "'.");
  }
  req.keep_tracks = args.has("--keep-tracks");
  req.title = args.get("--title");
  auto title_duration = args.number("--title-duration");
  auto max_height = args.whole("--max-height");
  if (!title_duration) return title_duration.error();
  if (!max_height) return max_height.error();
  if (*title_duration) {
    if (**title_duration <= 0) return make_error(ErrorCode::kInvalidArgument, "--title-duration is a number of seconds above 0.");
    req.title_duration_s = **title_duration;
  }
  if (*max_height) {
    if (**max_height < 144 || **max_height > 4320) return make_error(ErrorCode::kInvalidArgument, "--max-height is a height in pixels from 144 to 4320.");
    req.max_height = static_cast<int>(**max_height);
  }
  if (auto ok = read_export_options(args, req); !ok) return ok.error();
  auto still = args.number("--duration");
  if (!still) return still.error();
  if (*still) req.still_duration_s = **still;
  if (auto a = args.get("--analysis")) req.analysis_file = *a;
  if (auto s = args.get("--stems")) req.stems_dir = *s;
  if (auto sf = args.get("--soundfont")) req.synth.soundfont = *sf;
  req.synth.cpu_cores = static_cast<int>(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 2));

  return req;
}

// "Lo-fi, A minor, 92 BPM"
std::string music_line(const MusicSpec& spec) {
  return spec.style_name + ", " + key_name(spec.key) + ", " + std::to_string(static_cast<int>(std::lround(spec.tempo_bpm))) + " BPM";
}

int score_batch_local(const Args& args, const std::vector<std::filesystem::path>& inputs, bool json) {
  CancelToken& cancel = cancel_on_interrupt();
  return run_score_batch(inputs, [&](const std::filesystem::path& input, const ProgressFn& progress) -> Result<BatchItem> {
    auto req = score_request_from(args, input);
    if (!req) return req.error();
    req->keep_existing = true;  // a result from an earlier run stays: this one takes the next free name
    auto r = score_recording(*req, &cancel, progress);
    if (!r) return r.error();
    return BatchItem{r->output, r->duration_s, music_line(r->spec)};
  }, json, args.has("--quiet"));
}

// Each recording is its own job on the service (a service need not hold several uploads in one session).
int score_batch_remote(const NemoConfig& config, const Args& args, const std::vector<std::filesystem::path>& inputs, bool json) {
  CloudBackend backend(config);
  CancelToken& cancel = cancel_on_interrupt();
  return run_score_batch(inputs, [&](const std::filesystem::path& input, const ProgressFn& progress) -> Result<BatchItem> {
    auto job = remote_score_job(args, input);
    if (!job) return job.error();
    JobEvents events;
    events.progress = progress;
    auto r = backend.run(*job, events, &cancel);
    if (!r) return r.error();
    return BatchItem{r->output, r->duration_s, r->style_name.empty() ? config.name : r->style_name};
  }, json, args.has("--quiet"));
}

}  // namespace

int run_score(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--output", "--prompt", "--style", "--music-volume", "--duck", "--mode", "--analysis", "--stems", "--duration",
                     "--seed", "--soundfont", "--title", "--title-duration", "--max-height", "--backend", "--api-base",
                     "--preset", "--reframe", "--range"};
  spec.flags = {"--keep-tracks", "--json", "--quiet", "--help", "--smaller-copy"};
  spec.aliases = {{"-o", "--output"}, {"-p", "--prompt"}, {"-s", "--style"}, {"-q", "--quiet"}, {"-h", "--help"}};
  Args parsed;
  const std::string help = std::string(kHelp) + kBackendHelp + kExamples;
  if (auto done = parse_command(argv, spec, help.c_str(), parsed)) return *done;
  const Args* args = &parsed;
  const bool json = args->has("--json");
  if (args->positionals.empty()) return report_failure(make_error(ErrorCode::kInvalidArgument, "Give a recording (or several, or a folder): obs-bgm score INPUT [-o OUT]."), json);
  auto remote = remote_backend_from(*args);
  if (!remote) return report_failure(remote.error(), json);
  std::error_code ec;
  if (args->positionals.size() > 1 || std::filesystem::is_directory(args->positionals[0], ec)) {
    if (args->has("--output")) return report_failure(make_error(ErrorCode::kInvalidArgument, "--output names one file: with several recordings each result goes beside its own."), json);
    auto inputs = collect_inputs(args->positionals);
    if (!inputs) return report_failure(inputs.error(), json);
    return *remote ? score_batch_remote(**remote, *args, *inputs, json) : score_batch_local(*args, *inputs, json);
  }
  if (*remote) {
    auto job = remote_score_job(*args, args->positionals[0]);
    if (!job) return report_failure(job.error(), json);
    return run_remote_job(**remote, *job, json, args->has("--quiet"));
  }
  auto request = score_request_from(*args, args->positionals[0]);
  if (!request) return report_failure(request.error(), json);
  const ScoreRequest& req = *request;
  CancelToken& cancel = cancel_on_interrupt();
  ProgressBar bar(!args->has("--quiet") && !json);
  auto result = score_recording(req, &cancel, [&](Stage s, double f) { bar.update(s, f); });
  bar.finish();
  if (!result) return report_failure(result.error(), json);
  const auto& r = *result;
  if (json) {
    nlohmann::json speech = nlohmann::json::array(), stems = nlohmann::json::array();
    for (const auto& s : r.audio.speech) speech.push_back({s.start, s.end});
    for (const auto& p : r.stem_files) stems.push_back(p.string());
    nlohmann::json out = {{"ok", true},
                          {"output", r.output.string()},
                          {"duration_s", r.duration_s},
                          {"video_copied", r.video_copied},
                          {"video_reencoded", r.video_reencoded},
                          {"music_volume", r.music_volume},
                          {"spec", spec_to_json(r.spec)},
                          {"analysis", analysis_to_json(r.analysis)},
                          {"speech", speech},
                          {"sections", sections_to_json(r.score)},
                          {"stems", stems},
                          {"master", master_to_json(r.master)},
                          {"statement", statement_to_json(r.statement)}};
    if (req.preset) out["preset"] = req.preset->id;
    if (r.reframe) out["reframe"] = reframe_to_json(*r.reframe);
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  if (!args->has("--quiet")) {
    std::printf("%s", describe_spec(r.spec).c_str());
    std::printf("Cuts followed: %zu, speech segments: %zu, music at %.0f%%\n", r.analysis.cuts.size(), r.audio.speech.size(), r.music_volume * 100);
    std::printf("%s\n", describe_statement(r.statement).c_str());
    if (req.preset) {
      std::printf("For %s%s%s\n", req.preset->name.c_str(), r.reframe ? ": " : (r.video_copied ? ": video copied as it is" : ""),
                  r.reframe ? describe_reframe(*r.reframe).c_str() : "");
    }
    std::printf("Wrote %s (%.3f s%s)\n", r.output.c_str(), r.duration_s, r.video_copied ? ", video copied" : "");
  }
  return kExitOk;
}

}  // namespace bgm::cli
