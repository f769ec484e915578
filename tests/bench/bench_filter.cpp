// Benchmark: what the AI Music Analyzer filter costs OBS. libobs renders a 1280x720 scene at 30 fps with a Media
// Source playing a 720p clip in a loop; phases without the filter and with it (while "recording", so it reads
// pictures back) alternate in the same run. Printed: libobs's average render time per frame, and the process's
// CPU use (user + system, per cent of one core). Run under xvfb-run (the target does).
#include <obs.h>
#include <sys/resource.h>
#include <util/platform.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "analyzer-filter.h"
#include "bgm-controller.h"
#include "support/libobs_session.h"
#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;

struct Phase {
  double frame_ms = 0;
  double cpu_percent = 0;
  unsigned lagged = 0;
};

Phase measure(double seconds) {
  std::this_thread::sleep_for(1s);  // settle
  const unsigned lagged0 = obs_get_lagged_frames();
  const double c0 = bgm::test::process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Phase p;
  p.cpu_percent = 100.0 * (bgm::test::process_cpu_seconds() - c0) / wall;
  p.frame_ms = static_cast<double>(obs_get_average_frame_time_ns()) / 1e6;
  p.lagged = obs_get_lagged_frames() - lagged0;
  return p;
}

}  // namespace

int main() {
  namespace fs = std::filesystem;
  const fs::path media = fs::path(OBS_BGM_BENCH_MEDIA_DIR) / "filter-720p30.mp4";
  fs::create_directories(media.parent_path());
  if (!fs::exists(media)) {
    bgm::test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=10 -c:v libx264 -preset veryfast -pix_fmt yuv420p " +
                   bgm::test::quote(media));
  }
  bgm::test::TempDir dir;
  bgm::test::LibObsSession obs((dir.path() / "obs").string(), 1280, 720);
  if (!obs.ok()) {
    std::fprintf(stderr, "bench_filter: %s\n", obs.why().c_str());
    return 1;
  }
  BgmController::get().start((dir.path() / "bgm").string());
  obs_scene_t* scene = obs_scene_create("Bench");
  obs_data_t* settings = obs_data_create();
  obs_data_set_bool(settings, "is_local_file", true);
  obs_data_set_string(settings, "local_file", media.c_str());
  obs_data_set_bool(settings, "looping", true);
  obs_source_t* clip = obs_source_create("ffmpeg_source", "Clip", settings, nullptr);
  obs_data_release(settings);
  obs_scene_add(scene, clip);
  obs_set_output_source(0, obs_scene_get_source(scene));
  obs_source_t* filter = obs_source_create("obs_bgm_analyzer", "Analyzer", nullptr, nullptr);

  std::printf("obs-bgm analyzer filter benchmark: libobs 1280x720 @ 30 fps, a looping 720p H.264 Media Source, OpenGL "
              "(Mesa llvmpipe under Xvfb)\n\n%-28s %14s %12s %8s\n",
              "phase", "render ms/frame", "CPU % core", "lagged");
  std::vector<Phase> off, on;
  for (int round = 0; round < 3; ++round) {
    off.push_back(measure(6));
    std::printf("%-28s %14.3f %12.1f %8u\n", "without the filter", off.back().frame_ms, off.back().cpu_percent, off.back().lagged);
    obs_source_filter_add(obs_scene_get_source(scene), filter);
    BgmController::get().live_analysis().start();
    BgmController::get().recording_clock().start(os_gettime_ns());
    on.push_back(measure(6));
    BgmController::get().recording_clock().stop(os_gettime_ns());
    const auto analysis = BgmController::get().live_analysis().finish(0, "bench");
    obs_source_filter_remove(obs_scene_get_source(scene), filter);
    std::printf("%-28s %14.3f %12.1f %8u  (%.1f pictures/s read back)\n", "with the filter, recording", on.back().frame_ms,
                on.back().cpu_percent, on.back().lagged, analysis ? analysis->fps : 0.0);
  }
  auto mean = [](const std::vector<Phase>& v, double Phase::*field) {
    double s = 0;
    for (const auto& p : v) s += p.*field;
    return s / static_cast<double>(v.size());
  };
  const double f_off = mean(off, &Phase::frame_ms), f_on = mean(on, &Phase::frame_ms);
  const double c_off = mean(off, &Phase::cpu_percent), c_on = mean(on, &Phase::cpu_percent);
  std::printf("\nmeans: render %.3f -> %.3f ms/frame (%+.3f ms, x%.2f); CPU %.1f%% -> %.1f%% of a core (%+.1f points)\n", f_off,
              f_on, f_on - f_off, f_on / f_off, c_off, c_on, c_on - c_off);
  obs_source_release(filter);
  obs_source_release(clip);
  obs_scene_release(scene);
  BgmController::get().stop();
  return 0;
}
