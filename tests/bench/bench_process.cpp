#include "bench_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "support/test_support.h"

extern char** environ;

namespace bgm::bench {
namespace fs = std::filesystem;
using test::quote;

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
  if (seconds > 600 && seconds % 600 == 0) {
    // Longer ones are the ten-minute recording again and again, stream-copied (encoding an hour takes an hour).
    const fs::path ten = recording(dir, 600);
    const fs::path list = dir / ("rec-" + std::to_string(seconds) + "s.txt");
    std::string lines;
    for (int i = 0; i < seconds / 600; ++i) lines += "file '" + ten.filename().string() + "'\n";
    if (bgm::test::run("printf \"" + lines + "\" > " + quote(list)).exit_code != 0) std::exit(1);
    std::fprintf(stderr, "making a %d s 1080p recording from the 600 s one (once)...\n", seconds);
    const std::string cmd = "ffmpeg -v error -y -f concat -safe 0 -i " + quote(list) + " -c copy " + quote(out.string() + ".part.mp4") +
                            " && mv " + quote(out.string() + ".part.mp4") + " " + quote(out);
    if (bgm::test::run(cmd).exit_code != 0) std::exit(1);
    return out;
  }
  const std::string cmd =
      "ffmpeg -v error -y -f lavfi -i \"testsrc2=s=1920x1080:r=30:d=" + std::to_string(seconds) +
      ",hue=H=2*PI*floor(t/8)/5\" -f lavfi -i \"sine=f=220:r=48000:d=" + std::to_string(seconds) +
      ",volume='0.3*gt(sin(2*PI*t/6),0)':eval=frame\" -c:v libx264 -preset veryfast -g 250 -bf 2 -pix_fmt yuv420p -c:a aac -b:a 160k " +
      quote(out.string() + ".part.mp4") + " && mv " + quote(out.string() + ".part.mp4") + " " + quote(out);
  std::fprintf(stderr, "making a %d s 1080p recording (once)...\n", seconds);
  if (bgm::test::run(cmd).exit_code != 0) std::exit(1);
  return out;
}

}  // namespace bgm::bench
