#include "engine/music_render.h"

#include <cctype>
#include <chrono>
#include <cmath>

#include "audio/shaping.h"
#include "compose/form.h"
#include "media/audio_encoder.h"

namespace bgm {
namespace {

// Seconds rendered past a loop's end: releases and reverb that then play over its start.
constexpr double kLoopOverhangS = 4.0;

double seconds_since(std::chrono::steady_clock::time_point& t) {
  const auto now = std::chrono::steady_clock::now();
  const double s = std::chrono::duration<double>(now - t).count();
  t = now;
  return s;
}

}  // namespace

Result<std::vector<std::filesystem::path>> write_stems(const std::vector<Stem>& stems, const std::filesystem::path& dir,
                                                       const CancelToken* cancel) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::vector<std::filesystem::path> files;
  for (size_t i = 0; i < stems.size(); ++i) {
    std::string clean;
    for (char c : stems[i].name) clean += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    const auto path = dir / ((i < 9 ? "0" : "") + std::to_string(i + 1) + "-" + clean + ".wav");
    if (auto ok = write_audio_file(stems[i].audio, path, {}, cancel); !ok) return ok.error();
    files.push_back(path);
  }
  return files;
}

Result<MusicAudio> render_music(const Score& score, const MusicSpec& spec, SynthOptions synth_options, bool stems,
                                double ceiling_dbtp, const CancelToken* cancel, const ProgressFn& progress) {
  auto report = [&](Stage s, double f) {
    if (progress) progress(s, f);
  };
  MusicAudio out;
  auto clock = std::chrono::steady_clock::now();
  report(Stage::kLoadingSounds, 0);
  synth_options.stems = stems;
  auto synth = SoundFontSynth::create(synth_options);
  if (!synth) return synth.error();
  out.soundfont = (*synth)->soundfont();
  out.load_s = seconds_since(clock);

  report(Stage::kRendering, 0);
  const int rate = synth_options.sample_rate;
  const auto frames = static_cast<size_t>(std::llround(spec.duration_s * rate));
  const size_t overhang = spec.loop ? static_cast<size_t>(kLoopOverhangS * rate) : 0;
  auto rendered = (*synth)->render(score, frames + overhang, cancel, progress);
  if (!rendered) return rendered.error();
  out.render_s = seconds_since(clock);

  report(Stage::kMastering, 0);
  std::vector<Stem>& buses = rendered->buses;
  for (auto& bus : buses) {
    if (spec.loop) {
      fold_loop_tail(bus.audio, frames);
    } else {
      // The ending was composed to decay inside the tail; this short fade only guarantees a silent last sample.
      fade_out_end(bus.audio, static_cast<size_t>(std::min(0.5, ending_tail_seconds(spec.duration_s) * 0.4) * rate));
    }
  }
  out.drum_bus = tame_drum_transients(buses, 9.0, spec.loop);
  out.mix = mix_down(buses, stems);
  if (stems) out.stems = std::move(buses);
  MasterSettings master;
  master.target_lufs = spec.loudness_lufs;
  master.loop = spec.loop;
  master.ceiling_dbtp = ceiling_dbtp;
  auto mastered = master_audio(out.mix, out.stems, master, cancel);
  if (!mastered) return mastered.error();
  out.master = *mastered;
  out.master_s = seconds_since(clock);
  return out;
}

}  // namespace bgm
