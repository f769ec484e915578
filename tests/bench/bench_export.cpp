// Benchmark: platform exports of a 60 s 1080p30 recording (`obs-bgm score --preset ...`), against FFmpeg's own
// re-encode of the same file into the same 1080x1920 H.264 frame (fitted over a blurred copy, 8 Mb/s, veryfast),
// measured in the same run: the ratio is the figure of merit. A score without a preset (video copied) and YouTube
// (video copied when it fits) show what a copy costs next to it. Also each run's peak memory.
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench_process.h"
#include "support/test_support.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using bgm::bench::Measured;
  using bgm::bench::run_measured;
  const fs::path media = argc > 1 ? fs::path(argv[1]) : fs::path(OBS_BGM_BENCH_MEDIA_DIR);
  fs::create_directories(media);
  bgm::test::TempDir out;
  const fs::path rec = bgm::bench::recording(media, 60);
  std::printf("obs-bgm export benchmark: a 60 s 1080p30 H.264 + AAC recording; 1 run each\n\n");
  std::printf("%-44s %10s %10s %12s\n", "what", "seconds", "x ffmpeg", "peak RSS MB");
  const Measured floor = run_measured(
      {"ffmpeg", "-v", "error", "-y", "-i", rec.string(), "-filter_complex",
       "[0:v]split[a][b];[a]scale=270:480:force_original_aspect_ratio=increase,crop=270:480,boxblur=10:2,scale=1080:1920,lutyuv=y=val*0.55[bg];"
       "[b]scale=1080:1920:force_original_aspect_ratio=decrease[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1,format=yuv420p[v]",
       "-map", "[v]", "-map", "0:a", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-maxrate", "12M", "-bufsize", "24M", "-g", "15",
       "-c:a", "aac", "-b:a", "384k", "-movflags", "+faststart", (out / "floor.mp4").string()});
  auto row = [&](const char* what, const Measured& m) {
    std::printf("%-44s %10.2f %9.2fx %12.0f\n", what, m.seconds, m.seconds / floor.seconds, m.max_rss_kb / 1024.0);
    std::fflush(stdout);
  };
  row("ffmpeg: 9:16 fitted re-encode (the floor)", floor);
  const std::string cli = OBS_BGM_CLI_PATH;
  row("obs-bgm score (no preset: video copied)", run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "-o", (out / "a.mp4").string()}));
  row("obs-bgm score --preset youtube (copied)", run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "--preset", "youtube", "-o", (out / "b.mp4").string()}));
  row("obs-bgm score --preset shorts (fit)", run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "--preset", "shorts", "-o", (out / "c.mp4").string()}));
  row("obs-bgm score --preset shorts --reframe crop",
      run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "--preset", "shorts", "--reframe", "crop", "-o", (out / "d.mp4").string()}));
  row("obs-bgm score --preset x-vertical (720x1280)", run_measured({cli, "score", rec.string(), "--seed", "1", "-q", "--preset", "x-vertical", "-o", (out / "e.mp4").string()}));
  std::printf("\nx ffmpeg = time / FFmpeg's own 9:16 re-encode of the same recording (goal: a preset export <= 1.5x, music included)\n");
  return 0;
}
