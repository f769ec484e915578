// obs-bgm generate: text in, music out.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "core/json_text.h"
#include "engine/engine_json.h"
#include "cli/remote_job.h"
#include "core/atomic_file.h"
#include "engine/generate.h"
#include "spec/spec_format.h"

namespace bgm::cli {
namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm generate --prompt TEXT -o OUT [options]\n"
    "\n"
    "Composes a piece from a prompt (English or Chinese) and writes it to OUT (.wav .flac .mp3 .m4a .aac).\n"
    "Options given here win over what the prompt says.\n"
    "\n"
    "  -p, --prompt TEXT     what you want: \"calm lo-fi, 45 seconds, no drums\", \"史诗电影配乐，D小调\"\n"
    "  -o, --output OUT      the file to write (never overwritten until the new one is complete)\n"
    "  -d, --duration S      length in seconds (2 to 3600; default: from the prompt, else 30)\n"
    "  -s, --style NAME      a style (see 'obs-bgm styles'); default: from the prompt or its mood\n"
    "      --tempo BPM       tempo (40 to 220)\n"
    "      --key KEY         key, e.g. \"D minor\", \"F#\", \"Bbm\"\n"
    "      --seed N          the same prompt, options and seed give the same file; default: random (printed)\n"
    "      --loudness LUFS   integrated loudness target (default -14)\n"
    "      --loop            a seamless loop instead of a composed ending\n"
    "      --stems DIR       also write one WAV per part (they sum to the mix)\n"
    "      --midi FILE       also write the score as a Standard MIDI File\n"
    "      --soundfont FILE  the General MIDI SoundFont (default: FluidR3_GM from fluid-soundfont-gm)\n"
    "      --cores N         CPU cores for synthesis (default: 2 where the machine has them; the output is the same)\n"
    "      --json            print the result (or the error) as JSON on standard output\n"
    "  -q, --quiet           no progress bar and no summary\n";

constexpr const char* kExamples =
    "\n"
    "Examples:\n"
    "  obs-bgm generate -p \"calm lo-fi for a tutorial, 90 seconds\" -o bed.m4a\n"
    "  obs-bgm generate -s jazz -d 60 --seed 7 -o jazz.wav --stems parts/\n"
    "  obs-bgm generate -p \"epic trailer music, 30 s\" --loop -o loop.wav\n";

// The job for a remote backend (text alone, an .m4a file); the engine's own options are refused by name.
Result<JobRequest> remote_generate_job(const Args& args, const std::string& prompt, const std::string& output) {
  for (const char* local_only : {"--tempo", "--key", "--loudness", "--stems", "--midi", "--soundfont", "--cores", "--loop"}) {
    if (args.has(local_only)) return make_error(ErrorCode::kInvalidArgument, std::string(local_only) + " works with the local engine only (leave out --backend).");
  }
  if (lower_extension(output) != "m4a") return make_error(ErrorCode::kInvalidArgument, "With --backend nemovideo the result is an .m4a file: -o NAME.m4a.");
  JobRequest job;
  job.prompt = prompt;
  job.style = args.get("--style").value_or("");
  job.output = JobOutput::kAudioTrack;
  job.output_file = output;
  job.output_dir = std::filesystem::absolute(output).parent_path();
  auto duration = args.number("--duration");
  if (!duration) return duration.error();
  if (*duration) {
    if (**duration < 2 || **duration > 3600) return make_error(ErrorCode::kInvalidArgument, "--duration is a number of seconds from 2 to 3600.");
    job.text_duration_s = **duration;
  } else {
    job.text_duration_s = 0;  // the prompt's length, else the service's
  }
  auto seed = args.whole("--seed");
  if (!seed) return seed.error();
  job.seed = *seed;
  return job;
}

}  // namespace

int run_generate(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--prompt", "--output", "--duration", "--style", "--tempo", "--key", "--seed",
                     "--loudness", "--stems", "--midi", "--soundfont", "--cores", "--backend", "--api-base"};
  spec.flags = {"--loop", "--json", "--quiet", "--help"};
  spec.aliases = {{"-p", "--prompt"}, {"-o", "--output"}, {"-d", "--duration"}, {"-s", "--style"},
                  {"-q", "--quiet"},  {"-h", "--help"}};
  Args parsed;
  const std::string help = std::string(kHelp) + kBackendHelp + kExamples;
  if (auto done = parse_command(argv, spec, help.c_str(), parsed)) return *done;
  const Args* args = &parsed;
  const bool json = args->has("--json");
  const bool quiet = args->has("--quiet");

  GenerateRequest req;
  req.spec.prompt = args->get("--prompt").value_or("");
  for (const auto& p : args->positionals) req.spec.prompt += (req.spec.prompt.empty() ? "" : " ") + p;
  auto out = args->get("--output");
  if (!out) return report_failure(make_error(ErrorCode::kInvalidArgument, "Give the output file with -o OUT (for example -o music.wav)."), json);
  req.output = *out;
  auto remote = remote_backend_from(*args);
  if (!remote) return report_failure(remote.error(), json);
  if (*remote) {
    auto job = remote_generate_job(*args, req.spec.prompt, *out);
    if (!job) return report_failure(job.error(), json);
    return run_remote_job(**remote, *job, json, quiet);
  }
  auto duration = args->number("--duration");
  auto tempo = args->number("--tempo");
  auto loudness = args->number("--loudness");
  auto seed = args->whole("--seed");
  auto cores = args->whole("--cores");
  for (const auto* r : {&duration, &tempo, &loudness})
    if (!*r) return report_failure(r->error(), json);
  if (!seed) return report_failure(seed.error(), json);
  if (!cores) return report_failure(cores.error(), json);
  req.spec.duration_s = *duration;
  req.spec.tempo_bpm = *tempo;
  req.spec.loudness_lufs = *loudness;
  req.spec.seed = *seed;
  req.spec.style = args->get("--style");
  req.spec.key = args->get("--key");
  req.spec.loop = args->has("--loop");
  if (auto d = args->get("--stems")) req.stems_dir = *d;
  if (auto m = args->get("--midi")) req.midi_path = *m;
  if (auto sf = args->get("--soundfont")) req.synth.soundfont = *sf;
  req.synth.cpu_cores = static_cast<int>(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 2));
  if (*cores) req.synth.cpu_cores = static_cast<int>(std::clamp<uint64_t>(**cores, 1, 16));

  CancelToken& cancel = cancel_on_interrupt();
  ProgressBar bar(!quiet);
  auto result = generate_music(req, &cancel, [&](Stage s, double f) { bar.update(s, f); });
  bar.finish();
  if (!result) return report_failure(result.error(), json);

  const auto& r = *result;
  const double seconds = static_cast<double>(r.frames) / r.sample_rate;
  if (json) {
    nlohmann::json stems = nlohmann::json::array();
    for (const auto& p : r.stem_files) stems.push_back(p.string());
    nlohmann::json out = {
        {"ok", true},
        {"output", r.output.string()},
        {"duration_s", seconds},
        {"frames", r.frames},
        {"sample_rate", r.sample_rate},
        {"spec", spec_to_json(r.spec)},
        {"master", master_to_json(r.master)},
        {"sections", sections_to_json(r.score)},
        {"stems", stems},
        {"midi", r.midi_file ? nlohmann::json(r.midi_file->string()) : nlohmann::json(nullptr)},
        {"soundfont", r.soundfont.string()},
        {"statement", statement_to_json(r.statement)},
        {"seconds", {{"compose", r.seconds.compose}, {"load", r.seconds.load}, {"render", r.seconds.render},
                     {"master", r.seconds.master}, {"encode", r.seconds.encode}}},
    };
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  if (!quiet) {
    std::printf("%s", describe_spec(r.spec).c_str());
    std::printf("Sections:");
    for (const auto& s : r.score.sections)
      std::printf(" %s %.1f-%.1fs%s", s.name.c_str(), r.score.seconds_at(static_cast<double>(s.start_tick)),
                  r.score.seconds_at(static_cast<double>(s.start_tick + s.length)), &s == &r.score.sections.back() ? "" : ",");
    std::printf("\nWrote %s (%.3f s, %.1f LUFS, SoundFont %s)\n", r.output.c_str(), seconds, r.master.output_lufs,
                r.soundfont.filename().c_str());
    std::printf("%s\n", describe_statement(r.statement).c_str());
    for (const auto& p : r.stem_files) std::printf("Stem: %s\n", p.c_str());
    if (r.midi_file) std::printf("MIDI: %s\n", r.midi_file->c_str());
  }
  return kExitOk;
}

}  // namespace bgm::cli
