// Benchmark: `obs-bgm score` on 1080p30 H.264 recordings of 1 and 10 minutes, against FFmpeg's own remux of the
// same file (video copied, audio encoded to AAC) measured in the same run: the ratio is the figure of merit.
// Also the peak memory of each run. Recordings are made once and kept in build/bench-media/.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_support.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using bgm::test::quote;

struct Measured {
  double seconds = 0;
  long max_rss_kb = 0;
};

// Runs a program (no shell, so the memory measured is the program's own) and waits for it.
Measured run_measured(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "cannot run %s\n", argv[0]);
    std::exit(1);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  posix_spawn_file_actions_destroy(&actions);
  Measured m;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.max_rss_kb = usage.ru_maxrss;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "failed: %s ...\n", args[0].c_str());
    std::exit(1);
  }
  return m;
}

// A recording like OBS's defaults: 1080p30 x264 veryfast, keyframe every 250 frames, 2 B-frames, AAC 48 kHz,
// with a cut every 8 seconds and a voice-like tone pattern.
fs::path recording(const fs::path& dir, int seconds) {
  const fs::path out = dir / ("rec-" + std::to_string(seconds) + "s.mp4");
  if (fs::exists(out)) return out;
  const std::string cmd =
      "ffmpeg -v error -y -f lavfi -i \"testsrc2=s=1920x1080:r=30:d=" + std::to_string(seconds) +
      ",hue=H=2*PI*floor(t/8)/5\" -f lavfi -i \"sine=f=220:r=48000:d=" + std::to_string(seconds) +
      ",volume='0.3*gt(sin(2*PI*t/6),0)':eval=frame\" -c:v libx264 -preset veryfast -g 250 -bf 2 -pix_fmt yuv420p -c:a aac -b:a 160k " +
      quote(out.string() + ".part.mp4") + " && mv " + quote(out.string() + ".part.mp4") + " " + quote(out);
  std::fprintf(stderr, "making a %d s 1080p recording (once)...\n", seconds);
  if (bgm::test::run(cmd).exit_code != 0) std::exit(1);
  return out;
}

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
