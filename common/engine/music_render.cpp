#include "engine/music_render.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>

#include "audio/drum_bus.h"
#include "audio/k_meter.h"
#include "audio/level_ride.h"
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

Result<std::vector<std::filesystem::path>> write_stems(const std::vector<StemView>& stems, const std::filesystem::path& dir,
                                                       const CancelToken* cancel, const std::filesystem::path& input) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::vector<std::filesystem::path> files;
  for (size_t i = 0; i < stems.size(); ++i) {
    std::string clean;
    for (char c : stems[i].name) clean += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    const auto path = dir / ((i < 9 ? "0" : "") + std::to_string(i + 1) + "-" + clean + ".wav");
    if (!input.empty() && std::filesystem::exists(path, ec) && std::filesystem::equivalent(path, input, ec)) {
      return make_error(ErrorCode::kInvalidArgument, "The stem " + path.string() + " would replace the recording itself. Choose another folder for --stems.");
    }
    if (auto ok = write_audio_file(*stems[i].audio, path, {}, cancel); !ok) return ok.error();
    files.push_back(path);
  }
  return files;
}

Result<MusicAudio> render_music(const Score& score, const MusicSpec& spec, const MusicRenderOptions& options,
                                const CancelToken* cancel, const ProgressFn& progress, std::unique_ptr<SoundFontSynth> opened) {
  auto report = [&](Stage s, double f) {
    if (progress) progress(s, f);
  };
  auto clock = std::chrono::steady_clock::now();
  report(Stage::kLoadingSounds, 0);
  SynthOptions synth_options = options.synth;
  synth_options.stems = options.stems;
  Result<std::unique_ptr<SoundFontSynth>> synth = opened ? Result<std::unique_ptr<SoundFontSynth>>(std::move(opened)) : SoundFontSynth::create(synth_options);
  if (!synth) return synth.error();
  const std::filesystem::path soundfont = (*synth)->soundfont();
  const double load_s = seconds_since(clock);

  // FluidSynth renders each bus into its own store.
  report(Stage::kRendering, 0);
  const int rate = synth_options.sample_rate;
  const auto frames = static_cast<size_t>(std::llround(spec.duration_s * rate));
  const size_t overhang = spec.loop ? static_cast<size_t>(kLoopOverhangS * rate) : 0;
  const std::vector<BusInfo> layout = (*synth)->bus_layout(score);
  std::vector<AudioStore> rendered;
  for (size_t i = 0; i < layout.size(); ++i) {
    auto store = AudioStore::create(options.work_dir, rate);
    if (!store) return store.error();
    rendered.push_back(std::move(store).value());
  }
  // A piece is measured as it is rendered; a loop only once its overhang is folded onto its start.
  const auto fade = static_cast<size_t>(std::min(0.5, ending_tail_seconds(spec.duration_s) * 0.4) * rate);
  std::optional<ShapedMeter> metering;
  if (!spec.loop) metering.emplace(layout.size(), frames, fade, rate);
  auto sink = [&](size_t bus, const float* l, const float* r, size_t n) {
    if (metering) metering->add(bus, l, r, n);
    return rendered[bus].append(l, r, n);
  };
  if (auto ok = (*synth)->render(score, frames + overhang, sink, cancel, progress); !ok) return ok.error();
  for (auto& store : rendered)
    if (auto ok = store.finish(); !ok) return ok.error();
  synth->reset();  // the SoundFont's memory is not needed any more
  const double render_s = seconds_since(clock);

  // Cut to length: the loop's overhang folded onto its start, or the ending's last sample made silent (the
  // ending was composed to decay inside the tail; this short fade only guarantees it).
  report(Stage::kMastering, 0);
  std::vector<std::unique_ptr<ShapedFrames>> shaped;
  std::vector<MixInput> all;
  for (const auto& store : rendered) {
    shaped.push_back(std::make_unique<ShapedFrames>(store, frames, spec.loop, fade));
    all.push_back(MixInput{shaped.back().get()});
  }
  // Drum transients tamed on their own bus, against the loudness of everything together.
  // One pass measures the mix for both the drum bus and the level ride below (taming the drums' transients
  // hardly moves its 100 ms levels).
  const MixFrames untamed(all, frames, rate);
  const KMeter measured = metering ? metering->finish() : KMeter::measure(untamed);
  if (auto ok = untamed.status(); !ok) return ok.error();
  DrumBusSettings drum_settings;
  drum_settings.mix_lufs = measured.integrated_lufs();
  drum_settings.loop = spec.loop;
  drum_settings.threads = options.synth.cpu_cores;
  std::vector<TamedDrums> tamed;
  tamed.reserve(layout.size());
  std::vector<const AudioFrames*> buses;
  double drum_reduction_db = 0;
  // Without stems (the music bus, then the drums) the tamed drums are written summed with the music: the level
  // ride and the master read one store, not two.
  const bool summed = !options.stems && layout.size() == 2 && !layout[0].drums && layout[1].drums;
  for (size_t i = 0; i < layout.size(); ++i) {
    if (!layout[i].drums) {
      if (!summed) buses.push_back(shaped[i].get());
      continue;
    }
    auto t = tame_drum_transients(*shaped[i], drum_settings, options.work_dir, cancel, summed ? shaped[0].get() : nullptr);
    if (!t) return t.error();
    drum_reduction_db = std::max(drum_reduction_db, t->max_reduction_db);
    tamed.push_back(std::move(t).value());
    buses.push_back(&tamed.back().audio);
    rendered[i].discard();  // only the tamed drums are read from here on
    if (summed) rendered[0].discard();  // and the music with them
  }

  // The mix ridden (its dips lifted and its peaks lowered a little, one curve for every bus), then mastered with
  // the stems in step.
  std::vector<MixInput> mix_inputs;
  for (const AudioFrames* b : buses) mix_inputs.push_back(MixInput{b});
  LevelRideSettings ride_settings;
  ride_settings.loop = spec.loop;
  ride_settings.no_lift = options.no_lift;
  const MixFrames sum(mix_inputs, frames, rate);
  const LevelRide ride = LevelRide::plan(measured, frames, rate, ride_settings);
  const MixFrames mix({MixInput{&sum, 1.0f, &ride}}, frames, rate);
  for (MixInput& in : mix_inputs) in.curve = &ride;
  std::vector<std::unique_ptr<MixFrames>> ridden_stems;
  MasterSettings master;
  master.target_lufs = spec.loudness_lufs;
  master.loop = spec.loop;
  master.ceiling_dbtp = options.ceiling_dbtp;
  master.threads = options.synth.cpu_cores;
  std::vector<const AudioFrames*> sources{&mix};
  if (options.stems) {
    for (const MixInput& in : mix_inputs) {
      ridden_stems.push_back(std::make_unique<MixFrames>(std::vector<MixInput>{in}, frames, rate));
      sources.push_back(ridden_stems.back().get());
    }
  }
  auto mastered = master_audio(sources, master, options.work_dir, cancel);
  if (!mastered) return mastered.error();
  std::vector<AudioStore>& audio = mastered->audio;
  mastered->report.ride = ride.report();

  MusicAudio out{std::move(audio.front()), {}, drum_reduction_db, mastered->report, soundfont, load_s, render_s, seconds_since(clock)};
  for (size_t i = 1; i < audio.size(); ++i) out.stems.push_back({layout[i - 1].name, std::move(audio[i])});
  return out;
}

}  // namespace bgm
