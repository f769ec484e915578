#include "engine/generate.h"

#include <chrono>
#include <cmath>

#include "compose/composer.h"
#include "compose/form.h"
#include "core/atomic_file.h"
#include "media/audio_encoder.h"
#include "engine/music_render.h"
#include "midi/smf.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

class StageClock {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};


}  // namespace

Status validate_generate_outputs(const GenerateRequest& req) {
  if (auto ok = check_writable_output(req.output); !ok) return ok;
  const std::string ext = lower_extension(req.output);
  if (!is_supported_audio_extension(ext)) {
    return make_error(ErrorCode::kUnsupported, "Cannot write '" + req.output.filename().string() +
                                                   "': the output must end in one of " + supported_audio_extensions() + ".");
  }
  if (req.midi_path) {
    if (auto ok = check_writable_output(*req.midi_path); !ok) return ok;
  }
  if (req.stems_dir) {
    std::error_code ec;
    fs::create_directories(*req.stems_dir, ec);
    if (!fs::is_directory(*req.stems_dir, ec)) {
      return make_error(ErrorCode::kIo, "Could not create the stems folder " + req.stems_dir->string() + ".");
    }
    if (auto ok = check_writable_output(*req.stems_dir / "probe.wav"); !ok) return ok;
  }
  return {};
}

Result<GenerateResult> generate_music(const GenerateRequest& req, const CancelToken* cancel, const ProgressFn& progress) {
  auto report = [&](Stage s, double f) {
    if (progress) progress(s, f);
  };
  auto cancelled = [&] { return cancel && cancel->cancelled(); };
  if (auto ok = validate_generate_outputs(req); !ok) return ok.error();
  sweep_leftovers(req.output.parent_path());  // what a killed run left beside its output

  GenerateResult result;
  StageClock clock;
  report(Stage::kUnderstanding, 0);
  const StyleCatalog& catalog = StyleCatalog::builtin();
  auto spec = build_music_spec(req.spec, catalog);
  if (!spec) return spec.error();
  result.spec = *spec;
  const StylePreset* style = catalog.find(spec->style_id);

  if (req.on_plan) req.on_plan(*spec);
  report(Stage::kComposing, 0);
  auto score = compose_with_ranges(*spec, *style, plan_form(*spec, *style), req.energy_ranges);
  if (!score) return score.error();
  result.score = std::move(score).value();
  result.seconds.compose = clock.lap();
  if (cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");

  const double ceiling = is_lossy_extension(lower_extension(req.output)) ? kCeilingLossyDbtp : kCeilingLosslessDbtp;
  MusicRenderOptions render;
  render.synth = req.synth;
  render.stems = req.stems_dir.has_value();
  render.ceiling_dbtp = ceiling;
  render.work_dir = req.output.parent_path();
  auto music = render_music(result.score, *spec, render, cancel, progress);
  if (!music) return music.error();
  result.soundfont = music->soundfont;
  result.drum_bus_reduction_db = music->drum_bus_reduction_db;
  result.master = music->master;
  result.seconds.load = music->load_s;
  result.seconds.render = music->render_s;
  result.seconds.master = music->master_s;
  clock.lap();
  const AudioStore& mix = music->mix;

  report(Stage::kExporting, 0);
  AudioWriteOptions write_options;
  result.statement = make_statement(mix, result.score, {}, result.soundfont, music->master.output_lufs);
  write_options.metadata = {
      {"title", spec->style_name + " (obs-bgm)"}, {"comment", spec->prompt}, {"encoder", "obs-bgm"}, {"copyright", result.statement.licence}};
  if (req.midi_path) {
    if (auto ok = write_midi_file(result.score, *req.midi_path); !ok) return ok.error();
    result.midi_file = *req.midi_path;
  }
  if (req.stems_dir) {
    std::vector<StemView> stems;
    for (const auto& s : music->stems) stems.push_back({s.name, &s.audio});
    auto files = write_stems(stems, *req.stems_dir, cancel);
    if (!files) return files.error();
    result.stem_files = std::move(files).value();
  }
  write_options.keep_existing = req.keep_existing;
  write_options.threads = req.synth.cpu_cores;
  auto written = write_audio_file(mix, req.output, write_options, cancel, progress);
  if (!written) return written.error();
  result.output = *written;
  result.frames = mix.frames();
  result.sample_rate = mix.sample_rate();
  result.seconds.encode = clock.lap();
  report(Stage::kDone, 1);
  return result;
}

}  // namespace bgm
