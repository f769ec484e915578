// Benchmark: `obs-bgm score` on 1080p30 H.264 recordings of 1 and 10 minutes, against FFmpeg's own remux of the
// same file (video copied, audio encoded to AAC) measured in the same run: the ratio is the figure of merit.
// Also the peak memory of each run. Recordings are made once and kept in build/bench-media/.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_process.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using bgm::bench::Measured;
using bgm::bench::recording;
using bgm::bench::run_measured;
using bgm::test::quote;

}  // namespace

int main(int argc, char** argv) {
  const fs::path media = argc > 1 ? fs::path(argv[1]) : fs::path(OBS_BGM_BENCH_MEDIA_DIR);
  fs::create_directories(media);
  bgm::test::TempDir out;
  std::printf("obs-bgm score benchmark: 1080p30 H.264 (veryfast, keyint 250, 2 B-frames) + AAC; 1 run each\n\n");
  std::printf("%-8s %-30s %10s %10s %12s\n", "length", "what", "seconds", "x floor", "peak RSS MB");
  for (int seconds : {60, 600}) {
    const fs::path rec = recording(media, seconds);
    const Measured floor = run_measured({"ffmpeg", "-v", "error", "-y", "-i", rec.string(), "-map", "0:v", "-map", "0:a", "-c:v", "copy",
                                         "-c:a", "aac", "-b:a", "192k", (out / "floor.mp4").string()});
    const Measured analyze = run_measured({"sh", "-c", std::string(OBS_BGM_CLI_PATH) + " analyze --json " + quote(rec) + " > " + quote(out / "a.json")});
    const Measured bare = run_measured({OBS_BGM_CLI_PATH, "score", rec.string(), "--seed", "1", "-q", "-o", (out / "bare.mp4").string()});
    const Measured live = run_measured({OBS_BGM_CLI_PATH, "score", rec.string(), "--seed", "1", "-q", "--analysis", (out / "a.json").string(),
                                        "-o", (out / "live.mp4").string()});
    auto row = [&](const char* what, const Measured& m) {
      std::printf("%-8s %-30s %10.2f %9.2fx %12.0f\n", (std::to_string(seconds / 60) + " min").c_str(), what, m.seconds,
                  m.seconds / floor.seconds, m.max_rss_kb / 1024.0);
    };
    row("ffmpeg remux (the floor)", floor);
    row("obs-bgm analyze", analyze);
    row("obs-bgm score, bare file", bare);
    row("obs-bgm score --analysis", live);
    std::fflush(stdout);
  }
  std::printf("\nx floor = time / ffmpeg's remux time (goals: <= 5x from a bare file, <= 2x with --analysis)\n");
  return 0;
}
