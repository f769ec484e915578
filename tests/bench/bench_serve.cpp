// Benchmark: `obs-bgm serve` against `obs-bgm score` on the same 1-minute 1080p recording.
// (1) The full flow a client runs (token, session, upload, "generate background music...", export, poll,
//     download) against the tool scoring the file in one command, timed in the same run: serve's overhead.
// (2) State and credits latency (p50/p99) for 20 concurrent clients while a render runs, against the same
//     requests on an idle server.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "media/ffmpeg_log.h"
#include "server/nemo_server.h"
#include "support/nemo_client.h"
#include "support/test_support.h"

namespace {

namespace fs = std::filesystem;
using bgm::test::percentile;
using bgm::test::NemoClient;
using bgm::test::quote;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

fs::path recording(const fs::path& dir) {
  const fs::path out = dir / "rec-60s.mp4";
  if (fs::exists(out)) return out;
  const std::string cmd =
      "ffmpeg -v error -y -f lavfi -i \"testsrc2=s=1920x1080:r=30:d=60,hue=H=2*PI*floor(t/8)/5\" -f lavfi -i "
      "\"sine=f=220:r=48000:d=60,volume='0.3*gt(sin(2*PI*t/6),0)':eval=frame\" -c:v libx264 -preset veryfast -g 250 -bf 2 "
      "-pix_fmt yuv420p -c:a aac -b:a 160k " + quote(out.string() + ".part.mp4") + " && mv " + quote(out.string() + ".part.mp4") + " " + quote(out);
  std::fprintf(stderr, "making a 60 s 1080p recording (once)...\n");
  if (bgm::test::run(cmd).exit_code != 0) std::exit(1);
  return out;
}

struct Latency {
  std::vector<double> ms;
};

// 20 clients asking state and credits in turn until `stop`.
Latency hammer(const std::string& url, const std::string& token, const std::string& session, std::atomic<bool>& stop, double min_seconds) {
  std::vector<std::vector<double>> per(20);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      NemoClient c(url);
      c.token = token;
      c.session = session;
      for (int n = 0; !stop || since(start) < min_seconds; ++n) {
        const auto t = Clock::now();
        auto a = n % 2 ? c.credits() : c.state();
        if (a.code() == 0) per[i].push_back(since(t) * 1000);
      }
    });
  }
  for (auto& t : threads) t.join();
  Latency out;
  for (auto& v : per) out.ms.insert(out.ms.end(), v.begin(), v.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bgm::quiet_ffmpeg_logging();  // as `obs-bgm serve` does: FFmpeg's own lines are not the figures
  const fs::path media = argc > 1 ? fs::path(argv[1]) : fs::path(OBS_BGM_BENCH_MEDIA_DIR);
  fs::create_directories(media);
  const fs::path rec = recording(media);
  bgm::test::TempDir dir;

  bgm::ServeOptions options;
  options.port = 0;
  options.data_dir = dir / "data";
  options.requests_per_minute = 1000000;
  bgm::NemoServer server(options);
  if (!server.start()) return 1;
  const int runs = 3;
  std::vector<double> score_s, flow_s, upload_s, chat_s, export_s, refine_s;
  for (int run = 0; run < runs; ++run) {
    auto t = Clock::now();
    if (bgm::test::run(std::string(OBS_BGM_CLI_PATH) + " score " + quote(rec) + " -q -o " + quote(dir / ("score" + std::to_string(run) + ".mp4"))).exit_code) return 1;
    score_s.push_back(since(t));

    NemoClient c(server.url());
    t = Clock::now();
    c.anonymous_token("bench");
    c.new_session();
    auto u = Clock::now();
    if (c.upload(rec).code() != 0) return 1;
    upload_s.push_back(since(u));
    u = Clock::now();
    auto s = c.chat("generate background music that matches the mood and length of my video");
    if (s.events.empty() || s.events.back().contains("errorCode")) return 1;
    chat_s.push_back(since(u));
    u = Clock::now();
    const std::string id = "render_" + std::to_string(run);
    c.start_export(id);
    auto done = c.export_and_download(id, dir / ("flow" + std::to_string(run) + ".mp4"), 600, 50);  // one flow: fine-grained polls time it closely
    if (done.data().value("status", "") != "completed") return 1;
    export_s.push_back(since(u));
    flow_s.push_back(since(t));
    // A refinement of the level only, exported again: the kept music is mixed again, nothing is synthesised.
    u = Clock::now();
    auto level = c.chat("music at 20%");
    if (level.events.empty() || level.events.back().contains("errorCode")) return 1;
    const std::string again = "render_level_" + std::to_string(run);
    c.start_export(again);
    auto redone = c.export_and_download(again, dir / ("level" + std::to_string(run) + ".mp4"), 600, 50);
    if (redone.data().value("status", "") != "completed") return 1;
    refine_s.push_back(since(u));
  }
  const double score = percentile(score_s, 0.5), flow = percentile(flow_s, 0.5);
  std::printf("obs-bgm serve benchmark: a 60 s 1080p30 H.264 + AAC recording; medians of %d runs\n\n", runs);
  std::printf("%-58s %9s %9s\n", "what", "seconds", "x score");
  std::printf("%-58s %9.2f %8.2fx\n", "obs-bgm score (one command: the baseline)", score, 1.0);
  std::printf("%-58s %9.2f %8.2fx\n", "serve: full flow (token .. download)", flow, flow / score);
  std::printf("%-58s %9.2f %8.2fx\n", "  of which upload (multipart over loopback)", percentile(upload_s, 0.5), percentile(upload_s, 0.5) / score);
  std::printf("%-58s %9.2f %8.2fx\n", "  of which chat turn (analysis + music, SSE)", percentile(chat_s, 0.5), percentile(chat_s, 0.5) / score);
  std::printf("%-58s %9.2f %8.2fx\n", "  of which export + poll + download", percentile(export_s, 0.5), percentile(export_s, 0.5) / score);
  std::printf("%-58s %9.2f %8.2fx\n", "then \"music at 20%\" + export + download (no synthesis)", percentile(refine_s, 0.5),
              percentile(refine_s, 0.5) / score);

  // Latency: idle, then while a render of the same recording runs.
  NemoClient c(server.url());
  c.anonymous_token("latency");
  c.new_session();
  c.upload(rec);
  c.chat("generate background music that matches the mood and length of my video");
  std::atomic<bool> stop{true};
  const Latency idle = hammer(server.url(), c.token, c.session, stop, 5.0);
  stop = false;
  std::thread render([&] {
    c.start_export("render_busy");
    NemoClient poll(server.url());
    poll.token = c.token;
    poll.session = c.session;
    poll.export_and_download("render_busy", dir / "busy.mp4", 600);
    stop = true;
  });
  const Latency busy = hammer(server.url(), c.token, c.session, stop, 0);
  render.join();
  std::printf("\nstate + credits, 20 concurrent clients      %8s %8s %8s %10s\n", "requests", "p50 ms", "p99 ms", "p99 x idle");
  std::printf("%-44s %8zu %8.2f %8.2f %9.2fx\n", "idle server (the baseline)", idle.ms.size(), percentile(idle.ms, 0.5), percentile(idle.ms, 0.99), 1.0);
  std::printf("%-44s %8zu %8.2f %8.2f %9.2fx\n", "while a 60 s 1080p export renders", busy.ms.size(), percentile(busy.ms, 0.5),
              percentile(busy.ms, 0.99), percentile(busy.ms, 0.99) / percentile(idle.ms, 0.99));
  server.stop();
  return 0;
}
