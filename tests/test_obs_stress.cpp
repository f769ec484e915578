// OBS under load from obs-bgm, as a busy streamer's setup would put it: 20 short recordings back to back with
// auto-score on, while a second client floods ScoreLastRecording and adds results inside SerialFrame request
// batches (run on OBS's graphics thread); one recording paused and resumed; studio mode on for part of it; OBS
// quit in the middle of a job. OBS must stay up, answer every request, keep its frame rate, exit within 10 s and
// lose no finished result; the job queue never exceeds its bound.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>

#include "support/obs_session.h"
#include "support/obs_websocket.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using namespace std::chrono_literals;
using test::quote;

bool ok(const nlohmann::json& r) { return r.value("requestStatus", nlohmann::json::object()).value("result", false); }

double seconds_of(const std::filesystem::path& file) {
  const auto r = test::run("ffprobe -v error -show_entries format=duration -of csv=p=0 " + quote(file));
  return r.out.empty() ? -1 : std::stod(r.out);
}

// Skipped frames over a stretch, from OBS's own counters.
struct FrameCounts {
  double render_total = 0, render_skipped = 0, output_total = 0, output_skipped = 0;
};
FrameCounts counts(test::ObsWebSocket& ws) {
  const auto s = ws.request("GetStats")["responseData"];
  return {s.value("renderTotalFrames", 0.0), s.value("renderSkippedFrames", 0.0), s.value("outputTotalFrames", 0.0),
          s.value("outputSkippedFrames", 0.0)};
}
// The share of frames lost between two readings (rendering lagged, or the encoder was skipped).
double lost_share(const FrameCounts& a, const FrameCounts& b) {
  const double render = b.render_total > a.render_total ? (b.render_skipped - a.render_skipped) / (b.render_total - a.render_total) : 0;
  const double output = b.output_total > a.output_total ? (b.output_skipped - a.output_skipped) / (b.output_total - a.output_total) : 0;
  return std::max(render, output);
}

// Stops recording and waits until OBS can record again.
std::filesystem::path wait_recording_stopped(test::ObsWebSocket& ws) {
  const auto stopped = ws.request("StopRecord");
  for (int i = 0; i < 200 && ws.request("GetRecordStatus")["responseData"].value("outputActive", true); ++i) std::this_thread::sleep_for(25ms);
  return stopped["responseData"].value("outputPath", "");
}

// Joins a helper thread however the test ends (an assertion returns early).
struct Joined {
  std::atomic<bool>& done;
  std::thread& thread;
  ~Joined() {
    done = true;
    if (thread.joinable()) thread.join();
  }
};

void wait_recording_started(test::ObsWebSocket& ws) {
  for (int i = 0; i < 200 && !ws.request("GetRecordStatus")["responseData"].value("outputActive", false); ++i) std::this_thread::sleep_for(25ms);
}

TEST(ObsStress, RecordingsFloodsBatchesPausesStudioModeAndAQuitMidJob) {
  test::TempDir dir;
  test::ObsSession obs(dir.path(), OBS_BGM_PLUGIN_DIR);
  obs.write_plugin_settings(R"({"auto_score": true, "duck": true, "video_output": false})");
  ASSERT_EQ(obs.start(), "");
  test::ObsWebSocket ws, flood_ws, watch_ws;
  ASSERT_EQ(ws.connect(obs.port()), "");
  ASSERT_EQ(flood_ws.connect(obs.port()), "");
  ASSERT_EQ(watch_ws.connect(obs.port()), "");
  for (const char* scene : {"Main", "Second"})
    ASSERT_TRUE(ok(ws.request("CreateSourceFilter", {{"sourceName", scene}, {"filterName", "AI Music Analyzer"}, {"filterKind", "obs_bgm_analyzer"}})));
  ASSERT_TRUE(ok(ws.request("SetCurrentSceneTransition", {{"transitionName", "Cut"}})));

  // Baseline: OBS recording with obs-bgm idle.
  ASSERT_TRUE(ok(ws.request("StartRecord")));
  wait_recording_started(ws);
  const FrameCounts base_a = counts(ws);
  std::this_thread::sleep_for(5s);
  const FrameCounts base_b = counts(ws);
  const double baseline_lost = lost_share(base_a, base_b);
  ASSERT_TRUE(std::filesystem::exists(wait_recording_stopped(ws)));

  // The watcher: the job queue, read every 150 ms, never holds more than its bound waiting.
  std::atomic<bool> done{false};
  std::atomic<int> most_queued{0}, watch_reads{0};
  int max_queued = 0;
  std::thread watcher;
  std::thread flood;
  const Joined join_watcher{done, watcher}, join_flood{done, flood};
  watcher = std::thread([&] {
    while (!done) {
      const auto jobs = watch_ws.vendor("obs-bgm", "ListJobs", {{"all", true}});
      if (jobs.value("success", false)) {
        max_queued = jobs.value("maxQueued", 0);
        int queued = 0;
        for (const auto& j : jobs["jobs"]) queued += j.value("state", "") == "queued";
        most_queued = std::max(most_queued.load(), queued);
        ++watch_reads;
      }
      std::this_thread::sleep_for(150ms);
    }
  });
  // The flood: 50 ScoreLastRecording requests (about one every 0.7 s), and every tenth an AddResultToScene inside
  // a SerialFrame batch.
  std::atomic<int> answered{0}, accepted{0}, batches_answered{0}, foreign_refused{0};
  std::mutex flood_m;
  std::set<long long> job_ids;
  flood = std::thread([&] {
    for (int i = 0; i < 50 && !done; ++i) {
      const auto r = flood_ws.vendor("obs-bgm", "ScoreLastRecording", {{"prompt", "energetic electronic"}});
      if (r.contains("success")) ++answered;
      if (r.value("success", false)) {
        ++accepted;
        std::lock_guard lock(flood_m);
        job_ids.insert(r.value("jobId", 0LL));
      }
      if (i % 10 == 5) {
        const nlohmann::json add = {{"requestType", "CallVendorRequest"},
                                    {"requestData", {{"vendorName", "obs-bgm"}, {"requestType", "AddResultToScene"}, {"requestData", {{"newest", true}}}}}};
        const auto results = flood_ws.batch({add, {{"requestType", "GetVersion"}}, add}, 1);
        if (results.is_array() && results.size() == 3) ++batches_answered;
        // Only our results go into a scene: any other path (a device, a URL, someone's file) is refused.
        const auto foreign = flood_ws.vendor("obs-bgm", "AddResultToScene", {{"path", "/etc/hostname"}});
        if (foreign.contains("success") && !foreign.value("success", true)) ++foreign_refused;
      }
      std::this_thread::sleep_for(700ms);
    }
  });

  // 20 recordings back to back; the 5th paused for a second; studio mode for the 9th to the 13th.
  const FrameCounts stress_a = counts(ws);
  std::vector<std::filesystem::path> recordings;
  std::filesystem::path paused;
  for (int n = 1; n <= 20; ++n) {
    if (n == 9) ASSERT_TRUE(ok(ws.request("SetStudioModeEnabled", {{"studioModeEnabled", true}})));
    if (n == 14) ASSERT_TRUE(ok(ws.request("SetStudioModeEnabled", {{"studioModeEnabled", false}})));
    ASSERT_TRUE(ok(ws.request("StartRecord"))) << "recording " << n;
    wait_recording_started(ws);
    if (n >= 9 && n < 14) ws.request("SetCurrentPreviewScene", {{"sceneName", "Second"}});
    if (n == 5) {
      std::this_thread::sleep_for(1200ms);
      ASSERT_TRUE(ok(ws.request("PauseRecord")));
      std::this_thread::sleep_for(1000ms);
      ASSERT_TRUE(ok(ws.request("ResumeRecord")));
      std::this_thread::sleep_for(1300ms);
    } else {
      std::this_thread::sleep_for(2500ms);  // music needs 2 s at least
    }
    recordings.push_back(wait_recording_stopped(ws));
    ASSERT_TRUE(std::filesystem::exists(recordings.back())) << "recording " << n << ": " << obs.log();
    if (n == 5) paused = recordings.back();
  }
  flood.join();
  const FrameCounts stress_b = counts(ws);
  const double stress_lost = lost_share(stress_a, stress_b);

  // Let the queue drain for a while, then quit in the middle of a job.
  nlohmann::json finished;
  for (int i = 0; i < 600; ++i) {
    const auto jobs = ws.vendor("obs-bgm", "ListJobs", {{"all", true}});
    int waiting = 0;
    for (const auto& j : jobs["jobs"]) waiting += j.value("state", "") == "queued" || j.value("state", "") == "running";
    if (waiting == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(ok(ws.request("StartRecord")));
  wait_recording_started(ws);
  std::this_thread::sleep_for(4s);
  wait_recording_stopped(ws);
  // Auto-score takes it; asking for it as well makes sure a job is running (the same one, or a new piece if the
  // first already finished), whatever the timing on a busy machine.
  bool running = false;
  nlohmann::json last_jobs;
  for (int i = 0; i < 200 && !running; ++i) {
    if (i % 20 == 0) ws.vendor("obs-bgm", "ScoreLastRecording", {{"prompt", "calm piano"}});
    last_jobs = ws.vendor("obs-bgm", "ListJobs", {{"all", true}});
    for (const auto& j : last_jobs["jobs"]) running |= j.value("state", "") == "running";
    if (!running) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(running) << "the last recording is being scored when OBS quits: " << last_jobs.dump().substr(0, 3000);
  finished = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}})["results"];
  done = true;
  watcher.join();
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(obs.stop(), 0) << obs.log();
  const double exit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();

  // OBS stayed up and answered everything.
  EXPECT_EQ(answered.load(), 50) << "every ScoreLastRecording was answered";
  EXPECT_GT(accepted.load(), 0);
  EXPECT_EQ(batches_answered.load(), 5) << "every SerialFrame batch came back";
  EXPECT_EQ(foreign_refused.load(), 5) << "AddResultToScene takes only our results";
  EXPECT_GT(watch_reads.load(), 20);
  EXPECT_GT(max_queued, 0);
  EXPECT_LE(most_queued.load(), max_queued) << "the queue never exceeds its bound";
  EXPECT_LT(exit_s, 10.0) << "OBS exits promptly in the middle of a job";
  // The frame rate holds: no more frames lost under the load than the run-to-run noise of this machine allows.
  EXPECT_LE(stress_lost, baseline_lost + 0.05) << "baseline " << baseline_lost << ", under load " << stress_lost;
  std::printf("[ stress   ] %zu recordings, %d requests answered (%d accepted), %d SerialFrame batches, most queued %d of %d, "
              "frames lost %.3f (baseline %.3f), exit %.2f s, %zu results\n",
              recordings.size() + 2, answered.load(), accepted.load(), batches_answered.load(), most_queued.load(), max_queued,
              stress_lost, baseline_lost, exit_s, finished.size());

  // Nothing finished was lost: every result listed before the quit is in results.json and whole.
  ASSERT_GT(finished.size(), 3u) << "auto-score and the flood made results";
  const std::string saved = test::read_file(obs.plugin_config_dir() / "results.json");
  for (const auto& r : finished) {
    const std::filesystem::path out = r.value("outputPath", "");
    EXPECT_NE(saved.find(out.filename().string()), std::string::npos) << out;
    const std::filesystem::path src = r.value("sourcePath", "");
    EXPECT_NEAR(seconds_of(out), seconds_of(src), 0.1) << out;
  }
  for (const auto& e : std::filesystem::directory_iterator(obs.record_dir())) {
    const std::string name = e.path().filename().string();
    EXPECT_NE(name[0], '.') << "a temporary file was left: " << name;
  }
  // In studio mode the previewed scene (with its own analyzer) is not what is recorded: nothing of it reaches the
  // analysis, so the still program scene shows no cut and no switch.
  for (int n = 9; n < 14; ++n) {
    const auto a = nlohmann::json::parse(test::read_file(recordings[static_cast<size_t>(n - 1)].string() + ".bgm.json"), nullptr, false);
    if (a.is_discarded()) continue;  // too few pictures on a busy machine: nothing written, nothing wrong
    EXPECT_TRUE(a["cuts"].empty()) << "recording " << n << ": " << a["cuts"].dump();
    EXPECT_TRUE(a["scene_switches"].empty()) << "recording " << n;
  }
  // The paused recording's analysis covers recording time only: the pause shifted nothing.
  const auto sidecar = nlohmann::json::parse(test::read_file(paused.string() + ".bgm.json"), nullptr, false);
  ASSERT_FALSE(sidecar.is_discarded()) << paused;
  EXPECT_NEAR(sidecar.value("duration_s", 0.0), seconds_of(paused), 0.5) << "the second of pause is not in it";
}

}  // namespace
}  // namespace bgm
