// Benchmark: what the live source costs and whether it holds over hours.
//   obs_bgm_bench_live obs [MINUTES]    (under xvfb-run) libobs at 320x180, 30 fps, a colour source; phases without
//       and with "AI Music (live)" in the program scene alternate in the same run (MINUTES in all, default 4). Printed:
//       the process's CPU (per cent of one core) per phase, the difference, and what went wrong with the audio on
//       the way: OBS's own audio-buffering increases and timestamp warnings in the log, and 100 ms of silence or a
//       sharper step at a buffer join than anywhere else in the mixed track.
//   obs_bgm_bench_live offline [HOURS [MOOD]]  the same engine rendered as fast as it goes for HOURS of music (default 3),
//       moving to another mood every 2 minutes (or MOOD alone): the speed against real time, the resident memory every 20 minutes of
//       music, and continuity (silent gaps, clicks at chapter and mood lines) across the whole run.
#include <obs.h>
#include <sys/resource.h>
#include <util/base.h>
#include <util/platform.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bgm-controller.h"
#include "live-source.h"
#include "live/live_engine.h"
#include "settings-keys.h"
#include "support/libobs_session.h"
#include "support/test_support.h"

namespace {

using namespace std::chrono_literals;

// OBS's log, watched for what it says when audio goes wrong.
std::atomic<int> g_buffering{0}, g_timestamps{0};
std::atomic<bool> g_counting{false};
void log_handler(int level, const char* format, va_list args, void*) {
  char line[2048];
  vsnprintf(line, sizeof line, format, args);
  if (g_counting && std::strstr(line, "audio buffering")) ++g_buffering;
  if (g_counting && (std::strstr(line, "timestamp") || std::strstr(line, "lagging"))) ++g_timestamps;
  if (level <= LOG_WARNING) std::fprintf(stderr, "obs: %s\n", line);
}

struct Capture {
  std::mutex m;
  std::vector<float> left, right;
  static void callback(void* param, size_t, struct audio_data* data) {
    auto* self = static_cast<Capture*>(param);
    std::lock_guard lock(self->m);
    const auto* l = reinterpret_cast<const float*>(data->data[0]);
    const auto* r = reinterpret_cast<const float*>(data->data[1]);
    self->left.insert(self->left.end(), l, l + data->frames);
    self->right.insert(self->right.end(), r, r + data->frames);
  }
};

int run_obs(double minutes) {
  base_set_log_handler(log_handler, nullptr);
  bgm::test::TempDir dir;
  bgm::test::LibObsSession obs((dir.path() / "obs").string(), 320, 180);
  if (!obs.ok()) {
    std::fprintf(stderr, "bench_live: %s\n", obs.why().c_str());
    return 1;
  }
  BgmController::get().start((dir.path() / "bgm").string());
  register_live_source();
  obs_scene_t* scene = obs_scene_create("Bench");
  obs_source_t* colour = obs_source_create("color_source", "Colour", nullptr, nullptr);
  obs_scene_add(scene, colour);
  obs_set_output_source(0, obs_scene_get_source(scene));
  obs_data_t* settings = obs_data_create();
  obs_data_set_string(settings, obs_bgm_keys::kLivePrompt, "energetic electronic");
  obs_source_t* live = obs_source_create(obs_bgm_keys::kLiveSourceId, "AI Music (live)", settings, nullptr);
  obs_data_release(settings);
  while (live_status_all().empty() || !live_status_all().front().ready) std::this_thread::sleep_for(100ms);
  Capture capture;
  audio_output_connect(obs_get_audio(), 0, nullptr, Capture::callback, &capture);

  const double phase_s = std::max(20.0, minutes * 60.0 / 4.0);
  std::printf("obs-bgm live source benchmark: libobs 320x180 @ 30 fps, 48 kHz; \"energetic electronic\" with FluidR3; "
              "%.0f s phases\n\n%-26s %12s\n",
              phase_s, "phase", "CPU % core");
  double off_sum = 0, on_sum = 0;
  int rounds = 0;
  std::vector<std::pair<size_t, size_t>> on_spans;  // captured frames of the phases with the source
  for (double done = 0; done + 2 * phase_s <= minutes * 60.0 + 1; done += 2 * phase_s, ++rounds) {
    std::this_thread::sleep_for(2s);
    double c0 = bgm::test::process_cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(phase_s - 2));
    const double off = 100.0 * (bgm::test::process_cpu_seconds() - c0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    obs_sceneitem_t* item = obs_scene_add(scene, live);
    std::this_thread::sleep_for(3s);  // in, past its fade
    g_counting = true;
    size_t from;
    {
      std::lock_guard lock(capture.m);
      from = capture.left.size();
    }
    c0 = bgm::test::process_cpu_seconds();
    t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(phase_s - 3));
    const double on = 100.0 * (bgm::test::process_cpu_seconds() - c0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    g_counting = false;
    {
      std::lock_guard lock(capture.m);
      on_spans.push_back({from, capture.left.size()});
    }
    obs_sceneitem_remove(item);
    std::printf("%-26s %12.1f\n%-26s %12.1f\n", "without the source", off, "with the live source", on);
    off_sum += off;
    on_sum += on;
  }
  audio_output_disconnect(obs_get_audio(), 0, Capture::callback, &capture);
  // The mixed track while the source played: silences and joins.
  size_t silences = 0, sharp_joins = 0, joins = 0;
  for (const auto& [from, to] : on_spans) {
    float sharpest = 0;
    for (size_t i = from + 1; i < to; ++i) sharpest = std::max(sharpest, std::fabs(capture.left[i] - capture.left[i - 1]));
    for (size_t i = from; i + 4800 <= to; i += 4800) {
      double e = 0;
      for (size_t k = i; k < i + 4800; ++k) e += double(capture.left[k]) * capture.left[k];
      silences += 10 * std::log10(e / 4800 + 1e-20) < -70;
    }
    for (size_t i = from + 1024; i < to; i += 1024, ++joins)
      sharp_joins += std::fabs(capture.left[i] - capture.left[i - 1]) >= sharpest && sharpest > 0;
  }
  std::printf("\nmeans over %d rounds: CPU %.1f%% -> %.1f%% of a core: the live source costs %.1f points\n", rounds, off_sum / rounds,
              on_sum / rounds, (on_sum - off_sum) / rounds);
  std::printf("audio while it played: %d audio-buffering increases, %d timestamp or lag warnings in OBS's log; %zu silent 100 ms "
              "windows; %zu of %zu buffer joins the sharpest step of their phase\n",
              g_buffering.load(), g_timestamps.load(), silences, sharp_joins, joins);
  obs_source_release(live);
  obs_source_release(colour);
  obs_scene_release(scene);
  obs_set_output_source(0, nullptr);
  BgmController::get().stop();
  return 0;
}

int run_offline(double hours, const char* only) {
  static const char* kMoods[] = {"energetic electronic", "calm lo-fi", "ambient", "rock", "gentle piano", "jazz", "epic cinematic", "upbeat pop"};
  bgm::LiveOptions options;
  options.seed = 3;
  auto created = bgm::LiveEngine::create(options, bgm::SpecRequest{.prompt = only ? only : kMoods[0]});
  if (!created) {
    std::fprintf(stderr, "bench_live: %s\n", created.error().message.c_str());
    return 1;
  }
  auto& engine = **created;
  const int rate = engine.sample_rate();
  const size_t block = 1024;
  std::vector<float> l(block), r(block);
  // The last 4 s of audio, kept to look at each line 2 s after it passed (the 2 s before it and the 2 s after).
  const size_t keep = 4 * static_cast<size_t>(rate) + 2 * block;
  std::vector<float> ring(keep, 0.0f);
  const auto total = static_cast<int64_t>(hours * 3600.0 * rate);
  int64_t done = 0;
  size_t silences = 0, clicks = 0, lines_checked = 0, mood = 0;
  std::vector<int64_t> pending;  // lines waiting for the 2 s after them
  std::vector<int64_t> moves;    // the mood lines among them
  int64_t next_move = 120LL * rate, next_report = 0;
  const double c0 = bgm::test::process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("obs-bgm live engine over %.1f hours of music (FluidR3, 48 kHz, a new mood every 2 minutes)\n\n%10s %12s %10s\n", hours,
              "music", "x real time", "RSS MB");
  double window_energy = 0;
  size_t window_fill = 0;
  while (done < total) {
    if (!only && done >= next_move) {
      (void)engine.set_mood(bgm::SpecRequest{.prompt = kMoods[++mood % std::size(kMoods)]});
      next_move += 120LL * rate;
    }
    if (!engine.render(l.data(), r.data(), block)) return 1;
    for (size_t i = 0; i < block; ++i) {
      ring[static_cast<size_t>((done + static_cast<int64_t>(i)) % static_cast<int64_t>(keep))] = l[i];
      window_energy += double(l[i]) * l[i] + double(r[i]) * r[i];
      if (++window_fill == static_cast<size_t>(rate / 10)) {
        silences += done > rate && 10 * std::log10(window_energy / (rate / 5.0) + 1e-20) < -60;
        window_energy = 0;
        window_fill = 0;
      }
    }
    done += static_cast<int64_t>(block);
    for (int64_t s : engine.chapter_starts())
      if (s > done - static_cast<int64_t>(block) && s <= done && std::find(pending.begin(), pending.end(), s) == pending.end()) pending.push_back(s);
    for (const auto& c : engine.changes())
      if (c.at > done - static_cast<int64_t>(block) && c.at <= done && std::find(moves.begin(), moves.end(), c.at) == moves.end()) moves.push_back(c.at);
    for (const auto& c : engine.changes())
      if (c.at > done - static_cast<int64_t>(block) && c.at <= done && std::find(pending.begin(), pending.end(), c.at) == pending.end()) pending.push_back(c.at);
    // A line is judged once 2 s after it have been rendered: no step within 10 ms of it sharper than the music made
    // in the 2 s before or after it.
    for (auto it = pending.begin(); it != pending.end();) {
      const int64_t line = *it;
      if (done < line + 2 * rate) {
        ++it;
        continue;
      }
      if (line > 2 * rate) {
        auto at = [&](int64_t n) { return ring[static_cast<size_t>(n % static_cast<int64_t>(keep))]; };
        float before = 0, after = 0, around = 0;
        for (int64_t n = line - 2 * rate + rate / 100 + 1; n < line - rate / 100; ++n) before = std::max(before, std::fabs(at(n) - at(n - 1)));
        for (int64_t n = line + rate / 100; n < line + 2 * rate - 1; ++n) after = std::max(after, std::fabs(at(n) - at(n - 1)));
        for (int64_t n = line - rate / 100; n < line + rate / 100; ++n) around = std::max(around, std::fabs(at(n) - at(n - 1)));
        if (around > std::max(before, after) * 1.05f + 1e-4f) {
          ++clicks;
          const bool is_move = std::any_of(moves.begin(), moves.end(), [&](int64_t m) { return m == line; });
          std::printf("  a sharper step at %.2f s (%s line): %.3f within 10 ms, %.3f and %.3f in the 2 s before and after\n",
                      static_cast<double>(line) / rate, is_move ? "mood" : "chapter", around, before, after);
        }
        ++lines_checked;
      }
      it = pending.erase(it);
    }
    if (done >= next_report) {
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%9.0fm %12.1f %10.1f\n", static_cast<double>(done) / rate / 60.0, wall > 0 ? static_cast<double>(done) / rate / wall : 0.0,
                  bgm::test::resident_mb());
      std::fflush(stdout);
      next_report += 1200LL * rate;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\n%.1f hours of music in %.0f s (x%.1f real time, %.1f%% of one core for real-time playback); RSS %.1f MB at the end; "
              "the longest render of a 1024-frame block %.1f ms (it took 21.3 ms of music)\n",
              hours, wall, hours * 3600.0 / wall, 100.0 * (bgm::test::process_cpu_seconds() - c0) / (hours * 3600.0), bgm::test::resident_mb(),
              engine.status().longest_render_ms);
  std::printf("continuity: %zu silent 100 ms windows; %zu chapter and mood lines looked at, %zu with a step within 10 ms sharper "
              "than any in the 2 s before and after them (a click)\n",
              silences, lines_checked, clicks);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "offline";
  if (mode == "obs") return run_obs(argc > 2 ? std::atof(argv[2]) : 4.0);
  if (mode == "offline") return run_offline(argc > 2 ? std::atof(argv[2]) : 3.0, argc > 3 ? argv[3] : nullptr);
  std::fprintf(stderr, "usage: obs_bgm_bench_live obs [MINUTES] | offline [HOURS [MOOD]]\n");
  return 2;
}
