// Benchmark: the whole `obs-bgm generate` (composition, synthesis, mastering, encoding) against FluidSynth's own
// command-line render (`fluidsynth -F`) of the same MIDI file, both as processes, in the same run.
// Prints medians of several runs; the ratio is the figure of merit (target: <= 1.3).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "synth/soundfont_synth.h"

namespace {

using bgm::test::quote;

constexpr const char* kFluidR3 = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
constexpr const char* kMuseScore = "/usr/share/sounds/sf3/MuseScore_General.sf3";

double time_command(const std::string& cmd) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = bgm::test::run(cmd);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.exit_code != 0) {
    std::fprintf(stderr, "command failed (%d): %s\n%s\n", r.exit_code, cmd.c_str(), r.err.c_str());
    std::exit(1);
  }
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double time_load(const char* path, int runs) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    bgm::SynthOptions o;
    o.soundfont = path;
    auto synth = bgm::SoundFontSynth::create(o);
    if (!synth) std::exit(1);
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return median(t);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 3;
  bgm::test::TempDir dir;
  std::printf("obs-bgm benchmark: median of %d runs, 48 kHz stereo, WAV output, each SoundFont\n\n", runs);
  std::printf("SoundFont load (in-process, dynamic sample loading): FluidR3_GM %.3f s, MuseScore_General %.3f s, TimGM6mb %.3f s\n\n",
              time_load(kFluidR3, runs), time_load(kMuseScore, runs), time_load("/usr/share/sounds/sf2/TimGM6mb.sf2", runs));
  std::printf("%-10s %-8s %-10s %-6s %12s %12s %9s %9s %7s\n", "soundfont", "length", "style", "cores", "generate s",
              "fluidsynth s", "gen RTF", "fs RTF", "ratio");
  for (const auto& [sf_name, soundfont] : {std::pair{"FluidR3", kFluidR3}, std::pair{"MuseScore", kMuseScore}}) {
    for (double seconds : {30.0, 180.0}) {
      for (const char* style : {"pop", "cinematic"}) {
        const std::string base = std::string(sf_name) + "-" + style + "-" + std::to_string(static_cast<int>(seconds));
        const auto wav = dir / (base + ".wav");
        const auto mid = dir / (base + ".mid");
        const std::string gen = quote(OBS_BGM_CLI_PATH) + " generate -q --style " + style + " --seed 1 -d " +
                                std::to_string(seconds) + " --soundfont " + soundfont + " -o " + quote(wav);
        // The MIDI of exactly this piece, for FluidSynth to render.
        bgm::test::run(gen + " --midi " + quote(mid));
        std::vector<double> g1, g2, f;
        for (int i = 0; i < runs; ++i) {
          g1.push_back(time_command(gen + " --cores 1"));
          g2.push_back(time_command(gen + " --cores 2"));
          f.push_back(time_command("fluidsynth -ni -q -r 48000 -F " + quote(dir / "fs.wav") + " " + soundfont + " " + quote(mid)));
        }
        const double fm = median(f);
        for (const auto& [cores, times] : {std::pair{1, g1}, std::pair{2, g2}}) {
          const double gm = median(times);
          std::printf("%-10s %-8.0f %-10s %-6d %12.3f %12.3f %8.1fx %8.1fx %7.2f\n", sf_name, seconds, style, cores, gm, fm,
                      seconds / gm, seconds / fm, gm / fm);
        }
      }
    }
  }
  std::printf("\nratio = generate time / fluidsynth -F time on the same MIDI and SoundFont (lower is better; target <= 1.30)\n");
  return 0;
}
