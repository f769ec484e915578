#include "engine/generate.h"

#include <chrono>
#include <cmath>

#include "audio/drum_bus.h"
#include "audio/shaping.h"
#include "compose/composer.h"
#include "compose/form.h"
#include "core/atomic_file.h"
#include "media/audio_encoder.h"
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

std::string stem_file_name(size_t index, const std::string& name) {
  std::string clean;
  for (char c : name) clean += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  return (index < 9 ? "0" : "") + std::to_string(index + 1) + "-" + clean + ".wav";
}

// Seconds rendered past a loop's end: releases and reverb that then play over its start.
constexpr double kLoopOverhangS = 4.0;

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

  GenerateResult result;
  StageClock clock;
  report(Stage::kUnderstanding, 0);
  const StyleCatalog& catalog = StyleCatalog::builtin();
  auto spec = build_music_spec(req.spec, catalog);
  if (!spec) return spec.error();
  result.spec = *spec;
  const StylePreset* style = catalog.find(spec->style_id);

  report(Stage::kComposing, 0);
  auto score = compose(*spec, *style);
  if (!score) return score.error();
  result.score = std::move(score).value();
  result.seconds.compose = clock.lap();
  if (cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");

  report(Stage::kLoadingSounds, 0);
  SynthOptions synth_options = req.synth;
  synth_options.stems = req.stems_dir.has_value();
  auto synth = SoundFontSynth::create(synth_options);
  if (!synth) return synth.error();
  result.soundfont = (*synth)->soundfont();
  result.seconds.load = clock.lap();

  report(Stage::kRendering, 0);
  const int rate = synth_options.sample_rate;
  const auto frames = static_cast<size_t>(std::llround(spec->duration_s * rate));
  const size_t overhang = spec->loop ? static_cast<size_t>(kLoopOverhangS * rate) : 0;
  auto rendered = (*synth)->render(result.score, frames + overhang, cancel, progress);
  if (!rendered) return rendered.error();
  result.seconds.render = clock.lap();

  report(Stage::kMastering, 0);
  std::vector<Stem>& buses = rendered->buses;
  for (auto& bus : buses) {
    if (spec->loop) {
      fold_loop_tail(bus.audio, frames);
    } else {
      // The ending was composed to decay inside the tail; this short fade only guarantees a silent last sample.
      fade_out_end(bus.audio, static_cast<size_t>(std::min(0.5, ending_tail_seconds(spec->duration_s) * 0.4) * rate));
    }
  }
  result.drum_bus = tame_drum_transients(buses, 9.0, spec->loop);
  const bool keep_stems = req.stems_dir.has_value();
  AudioBuffer mix = mix_down(buses, keep_stems);
  std::vector<Stem>& stems = buses;  // empty unless stems were asked for
  MasterSettings master;
  master.target_lufs = spec->loudness_lufs;
  master.loop = spec->loop;
  auto mastered = master_audio(mix, stems, master, cancel);
  if (!mastered) return mastered.error();
  result.master = *mastered;
  result.seconds.master = clock.lap();

  report(Stage::kExporting, 0);
  AudioWriteOptions write_options;
  write_options.metadata = {{"title", spec->style_name + " (obs-bgm)"}, {"comment", spec->prompt}, {"encoder", "obs-bgm"}};
  if (req.midi_path) {
    if (auto ok = write_midi_file(result.score, *req.midi_path); !ok) return ok.error();
    result.midi_file = *req.midi_path;
  }
  if (req.stems_dir) {
    for (size_t i = 0; i < stems.size(); ++i) {
      const fs::path path = *req.stems_dir / stem_file_name(i, stems[i].name);
      if (auto ok = write_audio_file(stems[i].audio, path, {}, cancel); !ok) return ok.error();
      result.stem_files.push_back(path);
    }
  }
  if (auto ok = write_audio_file(mix, req.output, write_options, cancel, progress); !ok) return ok.error();
  result.output = req.output;
  result.frames = mix.frames();
  result.sample_rate = rate;
  result.seconds.encode = clock.lap();
  report(Stage::kDone, 1);
  return result;
}

}  // namespace bgm
