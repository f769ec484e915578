#pragma once
// What the command-line benchmarks share: running a program and measuring its time and peak memory, and the
// 1080p30 recordings they score (made once, kept in build/bench-media/).

#include <filesystem>
#include <string>
#include <vector>

namespace bgm::bench {

struct Measured {
  double seconds = 0;
  long max_rss_kb = 0;
};

// Runs a program (no shell, so the memory measured is the program's own) and waits for it; exits on failure.
Measured run_measured(const std::vector<std::string>& args);

// A recording like OBS's defaults: 1080p30 x264 veryfast, keyframe every 250 frames, 2 B-frames, AAC 48 kHz,
// with a cut every 8 seconds and a voice-like tone pattern.
std::filesystem::path recording(const std::filesystem::path& dir, int seconds);

}  // namespace bgm::bench
