// obs-bgm analyze: what the music would follow in a file.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/analysis.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "core/json_text.h"
#include "media/media_probe.h"

namespace bgm::cli {
namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm analyze INPUT [--json] [--duration S]\n"
    "\n"
    "Shows what the music would follow in INPUT (video, image or audio): its length, its scene cuts, and its\n"
    "motion, brightness and colour, summed up as a mood. --json prints the analysis in the format that\n"
    "`obs-bgm score --analysis FILE` reads (see common/analysis/FORMAT.md).\n"
    "\n"
    "  --json            machine-readable output\n"
    "  --duration S      for a still image: the length of the video it becomes (default 30)\n"
    "  --every-frame     decode every picture (slower; the reference the usual decode is held to)\n"
    "  -q, --quiet       no progress bar\n"
    "\n"
    "Examples:\n"
    "  obs-bgm analyze rec.mkv\n"
    "  obs-bgm analyze rec.mkv --json > rec.analysis.json\n";

}  // namespace

int run_analyze(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--duration"};
  spec.flags = {"--json", "--every-frame", "--fast", "--quiet", "--help"};
  spec.aliases = {{"-q", "--quiet"}, {"-h", "--help"}};
  Args parsed;
  if (auto done = parse_command(argv, spec, kHelp, parsed)) return *done;
  const Args* args = &parsed;
  const bool json = args->has("--json");
  if (args->positionals.size() != 1) return report_failure(make_error(ErrorCode::kInvalidArgument, "Give one input file: obs-bgm analyze INPUT."), json);
  auto still_duration = args->number("--duration");
  if (!still_duration) return report_failure(still_duration.error(), json);

  CancelToken& cancel = cancel_on_interrupt();
  auto info = probe_media(args->positionals[0], &cancel);
  if (!info) return report_failure(info.error(), json);
  VideoAnalysis analysis;
  if (info->kind == MediaKind::kAudio) {
    analysis.source = info->path.string();
    analysis.duration_s = info->duration_s;
  } else {
    FeatureOptions options;
    options.every_frame = args->has("--every-frame");  // --fast: accepted, now the usual decode
    ProgressBar bar(!args->has("--quiet") && !json);
    auto result = analyse_video(info->path, options, &cancel, [&](Stage s, double f) { bar.update(s, f); });
    bar.finish();
    if (!result) return report_failure(result.error(), json);
    analysis = std::move(result).value();
    if (info->kind == MediaKind::kImage) analysis.duration_s = still_duration->value_or(30.0);
  }
  if (json) {
    std::printf("%s\n", json_text(analysis_to_json(analysis)).c_str());
    return kExitOk;
  }
  std::printf("%s: %s, %.2f s", info->path.c_str(), std::string(media_kind_name(info->kind)).c_str(), analysis.duration_s);
  if (info->video) std::printf(", %dx%d at %.2f fps", info->video->width, info->video->height, info->video->fps);
  std::printf("%s\n", analysis.truncated ? " (damaged: analysed up to the last readable frame)" : "");
  if (!analysis.decoding.empty()) std::printf("Decoded: %s\n", analysis.decoding.c_str());
  std::printf("Cuts (%zu):", analysis.cuts.size());
  for (double c : analysis.cuts) std::printf(" %.2f", c);
  const auto& m = analysis.mood;
  std::printf("\nPicture: brightness %.2f, warmth %+.2f, saturation %.2f, motion %.2f, %.1f cuts/min\n", m.brightness, m.warmth,
              m.saturation, m.motion, m.cuts_per_minute);
  std::printf("Mood: valence %+.2f (sombre - bright), energy %.2f (calm - intense)\n", m.valence, m.energy);
  return kExitOk;
}

}  // namespace bgm::cli
