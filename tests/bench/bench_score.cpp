// Benchmark: `obs-bgm score` on 1080p30 H.264 recordings of 1, 10 and 60 minutes, against FFmpeg's own remux of the
// same file (video copied, audio encoded to AAC) measured in the same run: the ratio is the figure of merit.
// Each is run `runs` times in turn (floor, analyze, bare score, score with the analysis) and the median reported,
// with the largest peak memory. Recordings are made once and kept in build/bench-media/ (the hour is the
// ten-minute recording six times over, stream-copied).
// Usage: obs_bgm_bench_score [media dir] [runs (3)] [longest minutes (60)]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

struct Row {
  const char* what;
  std::vector<Measured> runs;
  double median() const {
    std::vector<double> s;
    for (const auto& m : runs) s.push_back(m.seconds);
    std::sort(s.begin(), s.end());
    return s.empty() ? 0 : s[s.size() / 2];
  }
  double peak_mb() const {
    long most = 0;
    for (const auto& m : runs) most = std::max(most, m.max_rss_kb);
    return static_cast<double>(most) / 1024.0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const fs::path media = argc > 1 ? fs::path(argv[1]) : fs::path(OBS_BGM_BENCH_MEDIA_DIR);
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const int longest = argc > 3 ? std::atoi(argv[3]) : 60;
  fs::create_directories(media);
  bgm::test::TempDir out;
  std::printf("obs-bgm score benchmark: 1080p30 H.264 (veryfast, keyint 250, 2 B-frames) + AAC; median of %d runs\n\n", runs);
  std::printf("%-8s %-30s %10s %10s %12s\n", "length", "what", "seconds", "x floor", "peak RSS MB");
  for (int minutes : {1, 10, 60}) {
    if (minutes > longest) continue;
    const fs::path rec = recording(media, minutes * 60);
    const std::string cli = OBS_BGM_CLI_PATH;
    Row floor{"ffmpeg remux (the floor)", {}}, analyze{"obs-bgm analyze", {}}, bare{"obs-bgm score, bare file", {}},
        live{"obs-bgm score --analysis", {}};
    for (int i = 0; i < runs; ++i) {
      floor.runs.push_back(run_measured({"ffmpeg", "-v", "error", "-y", "-i", rec.string(), "-map", "0:v", "-map", "0:a", "-c:v", "copy", "-c:a",
                                         "aac", "-b:a", "192k", (out / "floor.mp4").string()}));
      analyze.runs.push_back(run_measured({"sh", "-c", cli + " analyze --json " + quote(rec) + " > " + quote(out / "a.json")}));
      bare.runs.push_back(run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "-o", (out / "bare.mp4").string()}));
      live.runs.push_back(run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "--analysis", (out / "a.json").string(), "-o",
                                        (out / "live.mp4").string()}));
    }
    for (const Row* row : {&floor, &analyze, &bare, &live}) {
      std::printf("%-8s %-30s %10.2f %9.2fx %12.0f\n", (std::to_string(minutes) + " min").c_str(), row->what, row->median(),
                  row->median() / floor.median(), row->peak_mb());
    }
    std::fflush(stdout);
  }
  std::printf("\nx floor = median time / median of ffmpeg's remux time (goals: <= 2.5x from a bare file, <= 1.3x with --analysis)\n");
  return 0;
}
