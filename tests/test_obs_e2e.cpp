// The plugin in the real OBS 29 under Xvfb, driven through obs-websocket as Stream Deck or a script would: it
// loads, its dock is in the window, the analyzer filter watches a recording whose scenes switch at known times,
// a vendor request scores the recording, and the result lands in the scene as a Media Source with music of the
// recording's length.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/obs_session.h"
#include "support/obs_websocket.h"
#include "support/serve_process.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using namespace std::chrono_literals;
using test::quote;

double seconds_of(const std::filesystem::path& file) {
  return std::stod(test::run("ffprobe -v error -show_entries format=duration -of csv=p=0 " + quote(file)).out);
}

bool ok(const nlohmann::json& response) { return response.value("requestStatus", nlohmann::json::object()).value("result", false); }

// Where OBS saved the dock when it quit (its window state, DockState in global.ini): Qt writes each dock's object
// name (a QString: UTF-16 big-endian after its length) followed by a byte of flags, 1 = shown, 2 = floating.
// "docked" means shown in the window, not floating; "hidden", "floating" and "absent" a user would fix by hand.
std::string saved_dock_place(const std::filesystem::path& global_ini, const std::filesystem::path& scratch) {
  const std::string ini = test::read_file(global_ini);
  const auto at = ini.find("DockState=");
  if (at == std::string::npos) return "absent";
  std::string b64 = ini.substr(at + 10, ini.find('\n', at) - at - 10);
  if (b64.rfind("@ByteArray(", 0) == 0) b64 = b64.substr(11, b64.size() - 12);
  test::run("echo " + quote(b64) + " | base64 -d > " + quote(scratch));
  const std::string state = test::read_file(scratch);
  const std::string id = "obs_bgm_dock";
  std::string name = {'\0', '\0', '\0', static_cast<char>(2 * id.size())};  // a QString: its length in bytes, then UTF-16
  for (const char c : id) name += std::string(1, '\0') + c;
  const auto found = state.find(name);
  if (found == std::string::npos || found + name.size() >= state.size()) return "absent";
  const auto flags = static_cast<unsigned char>(state[found + name.size()]);
  if (flags & 2) return "floating";
  return flags & 1 ? "docked" : "hidden";
}

// The lines of OBS's log that the plugin wrote.
std::string plugin_lines(const std::string& log) {
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line))
    if (line.find("[obs-bgm]") != std::string::npos) out += line + "\n";
  return out;
}

// Polls a job until it is no longer queued or running; returns its last state.
nlohmann::json wait_for_job(test::ObsWebSocket& ws, const nlohmann::json& id) {
  nlohmann::json st;
  for (int i = 0; i < 600; ++i) {
    st = ws.vendor("obs-bgm", "GetJob", {{"jobId", id}});
    if (st.value("state", "") != "queued" && st.value("state", "") != "running") break;
    std::this_thread::sleep_for(200ms);
  }
  return st;
}

TEST(ObsEndToEnd, RecordScoreAndAddTheResultToTheScene) {
  test::TempDir dir;
  test::ObsSession obs(dir.path(), OBS_BGM_PLUGIN_DIR);
  const std::string started = obs.start();
  ASSERT_EQ(started, "");
  EXPECT_TRUE(obs.fill_screen()) << "OBS's window fills the 1920x1080 screen, as a maximised OBS";
  test::ObsWebSocket ws;
  ASSERT_EQ(ws.connect(obs.port()), "");
  EXPECT_NE(obs.log().find("[obs-bgm] loaded"), std::string::npos);
  const std::filesystem::path shots = OBS_BGM_SCREENSHOT_DIR;
  std::filesystem::create_directories(shots);

  const auto none = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}});
  ASSERT_TRUE(none.value("success", false)) << none.dump();
  EXPECT_TRUE(none["results"].empty());

  for (const char* scene : {"Main", "Second"}) {
    const auto r = ws.request("CreateSourceFilter", {{"sourceName", scene}, {"filterName", "AI Music Analyzer"}, {"filterKind", "obs_bgm_analyzer"}});
    ASSERT_TRUE(ok(r)) << r.dump();
  }

  // Hard cuts between scenes, so the recording itself shows exactly where each switch landed.
  ASSERT_TRUE(ok(ws.request("SetCurrentSceneTransition", {{"transitionName", "Cut"}})));
  // About 6 s: Main, Second at ~1.5 s, its colour changed at ~3 s (a cut inside a scene), Main again at ~4.5 s.
  ASSERT_TRUE(ok(ws.request("StartRecord")));
  for (int i = 0; i < 100 && !ws.request("GetRecordStatus")["responseData"].value("outputActive", false); ++i) std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  auto at = [&](double s) { std::this_thread::sleep_until(t0 + std::chrono::duration<double>(s)); };
  at(1.5);
  ASSERT_TRUE(ok(ws.request("SetCurrentProgramScene", {{"sceneName", "Second"}})));
  at(3.0);
  ASSERT_TRUE(ok(ws.request("SetInputSettings", {{"inputName", "Blue"}, {"inputSettings", {{"color", 0xff20e020u}}}})));
  at(4.5);
  ASSERT_TRUE(ok(ws.request("SetCurrentProgramScene", {{"sceneName", "Main"}})));
  at(6.0);
  const auto stopped = ws.request("StopRecord");
  ASSERT_TRUE(ok(stopped)) << stopped.dump();
  const std::filesystem::path recording = stopped["responseData"].value("outputPath", "");
  ASSERT_TRUE(std::filesystem::exists(recording)) << recording;

  // The filter's analysis is beside the recording when recording stops.
  const auto analysis_file = std::filesystem::path(recording.string() + ".bgm.json");
  for (int i = 0; i < 100 && !std::filesystem::exists(analysis_file); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(std::filesystem::exists(analysis_file)) << obs.log();
  const auto analysis = nlohmann::json::parse(test::read_file(analysis_file));
  EXPECT_EQ(analysis["origin"], "obs-filter");
  // The truth is in the file: the decoder finds where the picture changed in the recording itself.
  const auto decoded = test::run_cli("analyze --json " + quote(recording));
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  const auto truth = nlohmann::json::parse(decoded.out)["cuts"].get<std::vector<double>>();
  ASSERT_EQ(truth.size(), 3u) << decoded.out;
  const auto switches = analysis["scene_switches"].get<std::vector<double>>();
  ASSERT_EQ(switches.size(), 2u) << analysis.dump();
  EXPECT_NEAR(switches[0], truth[0], 0.25) << "scene switches are timed on the recording's own timeline";
  EXPECT_NEAR(switches[1], truth[2], 0.25);
  const auto cuts = analysis["cuts"].get<std::vector<double>>();
  for (double expected : truth) {
    const bool found = std::any_of(cuts.begin(), cuts.end(), [&](double c) { return std::fabs(c - expected) < 0.25; });
    EXPECT_TRUE(found) << "the filter saw the cut at " << expected << " s: " << analysis["cuts"].dump();
  }
  EXPECT_LE(cuts.size(), 4u) << "and no cut where the picture stayed still: " << analysis["cuts"].dump();

  // A prompt over 4 KB is refused with the reason, before any work.
  const auto too_long = ws.vendor("obs-bgm", "ScoreLastRecording", {{"prompt", std::string(5000, 'x')}});
  EXPECT_FALSE(too_long.value("success", true));
  EXPECT_NE(too_long.value("error", "").find("at most 4096"), std::string::npos) << too_long.dump().substr(0, 300);

  // Score it through the vendor request, as a Stream Deck button would; the dock follows it (a picture of it).
  ASSERT_TRUE(ws.vendor("obs-bgm", "ShowDock", {{"tab", "score"}}).value("success", false));
  const auto job = ws.vendor("obs-bgm", "ScoreLastRecording", {{"prompt", "calm piano"}});
  ASSERT_TRUE(job.value("success", false)) << job.dump();
  const auto id = job["jobId"].get<long long>();
  for (int i = 0; i < 100 && ws.vendor("obs-bgm", "GetJob", {{"jobId", id}}).value("state", "") == "queued"; ++i) std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(150ms);  // the dock's queued update
  EXPECT_TRUE(obs.screenshot(shots / "obs-dock-scoring.png"));
  const nlohmann::json state = wait_for_job(ws, id);
  ASSERT_EQ(state.value("state", ""), "done") << state.dump();
  const std::filesystem::path output = state.value("outputPath", "");
  EXPECT_NEAR(seconds_of(output), seconds_of(recording), 0.05);
  EXPECT_NEAR(test::ffmpeg_loudness(output).integrated_lufs, -14.0, 1.0) << "the result has music at the target loudness";

  const auto added = ws.vendor("obs-bgm", "AddResultToScene", {{"jobId", id}});
  ASSERT_TRUE(added.value("success", false)) << added.dump();
  const std::string source = added["sourceName"];
  EXPECT_EQ(source.rfind("AI Music - ", 0), 0u) << source;
  const auto items = ws.request("GetSceneItemList", {{"sceneName", "Main"}});
  bool in_scene = false;
  for (const auto& item : items["responseData"]["sceneItems"]) in_scene |= item.value("sourceName", "") == source;
  EXPECT_TRUE(in_scene) << items.dump();
  const auto settings = ws.request("GetInputSettings", {{"inputName", source}});
  EXPECT_EQ(settings["responseData"]["inputKind"], "ffmpeg_source");
  EXPECT_EQ(settings["responseData"]["inputSettings"].value("local_file", ""), output.string());
  const auto listed = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}});
  ASSERT_EQ(listed["results"].size(), 1u);
  EXPECT_EQ(listed["results"][0].value("outputPath", ""), output.string());

  // Refining the result in its session, as the dock's refine box does: a new version beside the first.
  const std::string session = state.value("sessionId", "");
  ASSERT_EQ(session.rfind("s_", 0), 0u) << state.dump();
  EXPECT_NE(state.value("summary", "").find("Timeline (2 tracks): 1. Video: "), std::string::npos) << state.dump();
  const auto refine = ws.vendor("obs-bgm", "RefineResult", {{"sessionId", session}, {"message", "music at 20%"}});
  ASSERT_TRUE(refine.value("success", false)) << refine.dump();
  const auto refined = wait_for_job(ws, refine["jobId"]);
  ASSERT_EQ(refined.value("state", ""), "done") << refined.dump();
  const std::filesystem::path second = refined.value("outputPath", "");
  EXPECT_NE(second, output);
  EXPECT_TRUE(std::filesystem::exists(output)) << "the earlier version stays";
  EXPECT_NEAR(seconds_of(second), seconds_of(recording), 0.05);
  EXPECT_NE(refined.value("summary", "").find(", 20%)"), std::string::npos) << refined.dump();
  EXPECT_EQ(refined.value("sessionId", ""), session);
  const auto both = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}});
  ASSERT_EQ(both["results"].size(), 2u);
  EXPECT_EQ(both["results"][0].value("outputPath", ""), second.string());
  // What the agent cannot do is said, and nothing is written.
  const auto odd = ws.vendor("obs-bgm", "RefineResult", {{"sessionId", session}, {"message", "what's the weather?"}});
  const auto answered = wait_for_job(ws, odd["jobId"]);
  EXPECT_EQ(answered.value("state", ""), "failed");
  EXPECT_NE(answered.value("error", "").find("I can't do that yet"), std::string::npos) << answered.dump();
  EXPECT_EQ(ws.vendor("obs-bgm", "ListResults", {})["results"].size(), 2u);
  // Exported for a platform, as the dock's Export menu does: YouTube Shorts, 1080x1920, a result of its own.
  const auto shorts = ws.vendor("obs-bgm", "ExportSession", {{"sessionId", session}, {"preset", "shorts"}});
  ASSERT_TRUE(shorts.value("success", false)) << shorts.dump();
  const auto vertical = wait_for_job(ws, shorts["jobId"]);
  ASSERT_EQ(vertical.value("state", ""), "done") << vertical.dump();
  const std::filesystem::path shorts_file = vertical.value("outputPath", "");
  EXPECT_NE(shorts_file.filename().string().find("-bgm-shorts"), std::string::npos) << shorts_file;
  EXPECT_EQ(test::run("ffprobe -v error -select_streams v -show_entries stream=width,height -of csv=p=0 " + test::quote(shorts_file)).out, "1080,1920\n");
  EXPECT_NEAR(seconds_of(shorts_file), seconds_of(recording), 0.1);
  EXPECT_EQ(ws.vendor("obs-bgm", "ListResults", {})["results"].size(), 3u);

  // A queue of three recordings, one of them broken, as the dock's file list queues them: two results, each with
  // its own music at its own length, and the broken one named in its failure.
  const auto batch_dir = dir.path() / "batch";
  std::filesystem::create_directories(batch_dir);
  for (const auto& [name, seconds] : std::vector<std::pair<std::string, int>>{{"one.mp4", 3}, {"three.mkv", 4}}) {
    ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=" + std::to_string(seconds) + " -f lavfi -i sine=f=330:d=" +
                        std::to_string(seconds) + " -c:v libx264 -preset ultrafast -c:a aac -shortest " + quote(batch_dir / name)).exit_code, 0);
  }
  { std::ofstream(batch_dir / "two.mp4") << "this is not a video"; }
  const auto queued = ws.vendor("obs-bgm", "ScoreFiles", {{"files", {{{"path", (batch_dir / "one.mp4").string()}}, {{"path", (batch_dir / "two.mp4").string()}},
                                                                     {{"path", (batch_dir / "three.mkv").string()}}}}, {"prompt", "calm piano"}});
  ASSERT_TRUE(queued.value("success", false)) << queued.dump();
  ASSERT_EQ(queued["jobs"].size(), 3u) << queued.dump();
  std::vector<nlohmann::json> ended;
  for (const auto& j : queued["jobs"]) ended.push_back(wait_for_job(ws, j["jobId"]));
  ASSERT_EQ(ended[0].value("state", ""), "done") << ended[0].dump();
  ASSERT_EQ(ended[2].value("state", ""), "done") << ended[2].dump();
  EXPECT_EQ(ended[1].value("state", ""), "failed") << ended[1].dump();
  EXPECT_NE(ended[1].value("error", "").find("two.mp4"), std::string::npos) << "the failure names the file: " << ended[1].dump();
  EXPECT_NEAR(seconds_of(ended[0].value("outputPath", "")), 3.0, 0.1);
  EXPECT_NEAR(seconds_of(ended[2].value("outputPath", "")), 4.0, 0.1);
  EXPECT_EQ(std::filesystem::path(ended[2].value("outputPath", "")).filename(), "three-bgm.mkv");
  EXPECT_EQ(ws.vendor("obs-bgm", "ListResults", {})["results"].size(), 5u);

  // In studio mode a result goes into the preview scene, where the user is preparing the next shot.
  ASSERT_TRUE(ok(ws.request("SetStudioModeEnabled", {{"studioModeEnabled", true}})));
  // OBS switches modes and preview scenes on its UI thread: wait until it has, however busy the machine is.
  for (int i = 0; i < 100 && !ws.request("GetStudioModeEnabled")["responseData"].value("studioModeEnabled", false); ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(ok(ws.request("SetCurrentPreviewScene", {{"sceneName", "Second"}})));
  for (int i = 0; i < 100 && ws.request("GetCurrentPreviewScene")["responseData"].value("currentPreviewSceneName", "") != "Second"; ++i)
    std::this_thread::sleep_for(50ms);
  const auto previewed = ws.vendor("obs-bgm", "AddResultToScene", {{"path", output.string()}});
  ASSERT_TRUE(previewed.value("success", false)) << previewed.dump();
  const auto preview_items = ws.request("GetSceneItemList", {{"sceneName", "Second"}});  // kept: the loop reads into it
  bool in_preview = false;
  for (const auto& item : preview_items["responseData"]["sceneItems"])
    in_preview |= item.value("sourceName", "") == previewed.value("sourceName", "");
  EXPECT_TRUE(in_preview) << preview_items.dump();
  ASSERT_TRUE(ok(ws.request("SetStudioModeEnabled", {{"studioModeEnabled", false}})));

  // The preview: the result through OBS's audio monitoring (the private PulseAudio's device), never into the
  // scene; Stop silences it.
  EXPECT_LT(obs.monitor_level_db(1.0), -80.0) << "nothing is monitored before the preview";
  const auto preview = ws.vendor("obs-bgm", "PreviewResult", {{"path", output.string()}, {"play", true}});
  ASSERT_TRUE(preview.value("success", false)) << preview.dump();
  EXPECT_EQ(preview.value("playing", ""), output.string());
  const double heard = obs.monitor_level_db(2.0);
  EXPECT_GT(heard, -40.0) << "the preview is heard on the monitoring device; OBS's log:\n" << obs.log().substr(obs.log().size() > 6000 ? obs.log().size() - 6000 : 0);
  const auto inputs = ws.request("GetInputList");
  EXPECT_EQ(inputs.dump().find("preview"), std::string::npos) << "the preview is no input of OBS's: " << inputs.dump();
  const auto stopped_preview = ws.vendor("obs-bgm", "PreviewResult", {{"play", false}});
  EXPECT_EQ(stopped_preview.value("playing", "x"), "");
  std::this_thread::sleep_for(300ms);
  EXPECT_LT(obs.monitor_level_db(1.0), -80.0) << "Stop silences it";

  // Pictures of OBS with the dock at 1920x1080, each tab, for people (and the README).
  for (const char* tab : {"results", "score", "live", "settings"}) {
    ASSERT_TRUE(ws.vendor("obs-bgm", "ShowDock", {{"tab", tab}}).value("success", false)) << tab;
    std::this_thread::sleep_for(500ms);
    const auto shot = shots / (std::string("obs-dock-") + tab + ".png");
    EXPECT_TRUE(obs.screenshot(shot));
    EXPECT_GT(std::filesystem::file_size(shot), 10000u);
  }
  EXPECT_FALSE(ws.vendor("obs-bgm", "ShowDock", {{"tab", "nowhere"}}).value("success", true)) << "an unknown tab is refused";

  EXPECT_EQ(obs.stop(), 0) << obs.log();
  EXPECT_EQ(saved_dock_place(obs.global_ini(), dir.path() / "dock-state.bin"), "docked")
      << "on a fresh profile the AI Music dock is shown, docked in OBS's window; the plugin's log:\n"
      << plugin_lines(obs.log());
}

// Records for `seconds` and returns the recording's path.
std::filesystem::path record(test::ObsWebSocket& ws, double seconds) {
  EXPECT_TRUE(ok(ws.request("StartRecord")));
  for (int i = 0; i < 100 && !ws.request("GetRecordStatus")["responseData"].value("outputActive", false); ++i) std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const auto stopped = ws.request("StopRecord");
  return stopped["responseData"].value("outputPath", "");
}

TEST(ObsEndToEnd, AutoScoreAfterRecordingAndQuittingMidJobLosesNothing) {
  test::TempDir dir;
  test::ObsSession obs(dir.path(), OBS_BGM_PLUGIN_DIR);
  // One wrong type: reported and ignored.
  obs.write_plugin_settings(R"({"auto_score": true, "score_replays": true, "music_volume": "loud", "duck": true})");
  ASSERT_EQ(obs.start(), "");
  test::ObsWebSocket ws;
  ASSERT_EQ(ws.connect(obs.port()), "");
  EXPECT_NE(obs.log().find("'music_volume' has the wrong type"), std::string::npos) << "a bad setting is reported, not fatal";
  const auto hotkeys = ws.request("GetHotkeyList");
  EXPECT_NE(hotkeys.dump().find("obs_bgm.score_last_recording"), std::string::npos) << "the hotkey is in OBS's list";

  // With auto-score on, a finished recording is scored without anyone asking.
  const auto first = record(ws, 3.0);
  ASSERT_TRUE(std::filesystem::exists(first));
  nlohmann::json results;
  for (int i = 0; i < 300; ++i) {
    results = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}})["results"];
    if (!results.empty()) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(results.size(), 1u);
  const std::filesystem::path scored = results[0].value("outputPath", "");
  EXPECT_NEAR(seconds_of(scored), seconds_of(first), 0.05);

  // The hotkey scores the last recording again (a new file beside the first result).
  ASSERT_TRUE(ok(ws.request("TriggerHotkeyByName", {{"hotkeyName", "obs_bgm.score_last_recording"}})));
  auto wait_for_results = [&](size_t n) {
    for (int i = 0; i < 300; ++i) {
      results = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}})["results"];
      if (results.size() >= n) break;
      std::this_thread::sleep_for(200ms);
    }
    return results.size();
  };
  ASSERT_EQ(wait_for_results(2), 2u);
  EXPECT_NE(results[0].value("outputPath", ""), scored.string()) << "a new result never replaces an earlier one";
  EXPECT_TRUE(std::filesystem::exists(scored));

  // A replay-buffer save is scored too when the setting says so.
  ASSERT_TRUE(ok(ws.request("StartReplayBuffer")));
  std::this_thread::sleep_for(3500ms);
  ASSERT_TRUE(ok(ws.request("SaveReplayBuffer")));
  ASSERT_EQ(wait_for_results(3), 3u);
  EXPECT_EQ(std::filesystem::path(results[0].value("sourcePath", "")).filename().string().rfind("Replay", 0), 0u) << results[0].dump();
  ASSERT_TRUE(ok(ws.request("StopReplayBuffer")));
  // The replay buffer and the recording share the Simple output's encoders: a recording started while the buffer is
  // still stopping comes out a fraction of a second long on OBS 30 (and OBS has crashed on quit after it), so the
  // next recording waits until the buffer has stopped, as a user pressing the buttons would.
  for (int i = 0; i < 200 && ws.request("GetReplayBufferStatus")["responseData"].value("outputActive", true); ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(ws.request("GetReplayBufferStatus")["responseData"].value("outputActive", true)) << "the replay buffer stopped";

  // Quit while the next one is being scored: OBS exits cleanly and promptly, nothing half-written is left.
  const auto second = record(ws, 3.0);
  std::this_thread::sleep_for(300ms);
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(obs.stop(), 0) << obs.log();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count(), 10.0);
  ASSERT_TRUE(std::filesystem::exists(second)) << second;
  for (const auto& e : std::filesystem::directory_iterator(obs.record_dir())) {
    const std::string name = e.path().filename().string();
    EXPECT_NE(name[0], '.') << "a temporary file was left: " << name;
    if (name.rfind(second.stem().string() + "-bgm", 0) == 0) {
      EXPECT_NEAR(seconds_of(e.path()), seconds_of(second), 0.05) << "a result written before the quit is whole";
    }
  }
  EXPECT_NE(test::read_file(obs.plugin_config_dir() / "results.json").find(scored.filename().string()), std::string::npos)
      << "the finished result is still listed after the restart";
}

// OBS with the plugin's backend set to an `obs-bgm serve` of the test's own (extra: its options), connected.
struct ObsOnRenderServer {
  explicit ObsOnRenderServer(const std::vector<std::string>& extra = {})
      : server(dir / "serve-data", extra), obs(dir / "obs", OBS_BGM_PLUGIN_DIR) {}
  // "" when OBS runs with the render server as its backend and obs-websocket answers; else what went wrong.
  std::string start() {
    if (server.url().empty()) return "the server did not start: " + server.log();
    obs.write_plugin_settings(nlohmann::json{{"backend", "server"}, {"server_url", server.url()}}.dump());
    if (auto e = obs.start(); !e.empty()) return e;
    return ws.connect(obs.port());
  }
  test::TempDir dir;
  test::ServeProcess server;
  test::ObsSession obs;
  test::ObsWebSocket ws;
};

// ScoreLastRecording, asked again until OBS has told the plugin that recording stopped (a moment after StopRecord
// answers). The last answer.
nlohmann::json score_last_recording(test::ObsWebSocket& ws, const nlohmann::json& params) {
  nlohmann::json job = nlohmann::json::object();
  for (int i = 0; i < 100 && !job.value("success", false); ++i) {
    job = ws.vendor("obs-bgm", "ScoreLastRecording", params);
    if (!job.value("success", false)) std::this_thread::sleep_for(100ms);
  }
  return job;
}

TEST(ObsEndToEnd, ScoringThroughARenderServerPutsTheResultInTheScene) {
  ::setenv("OBS_BGM_NEMO_TIME_SCALE", "0.01", 1);  // OBS and the server inherit it: the 30 s render poll is 0.3 s
  ObsOnRenderServer setup;
  ASSERT_EQ(setup.start(), "");
  auto& [dir, server, obs, ws] = setup;

  const auto recording = record(ws, 3.0);
  ASSERT_TRUE(std::filesystem::exists(recording));
  const auto job = score_last_recording(ws, {{"prompt", "calm piano"}});
  ASSERT_TRUE(job.value("success", false)) << job.dump();
  const nlohmann::json state = wait_for_job(ws, job["jobId"]);
  ASSERT_EQ(state.value("state", ""), "done") << state.dump() << obs.log();
  const std::filesystem::path output = state.value("outputPath", "");
  EXPECT_EQ(output.parent_path(), recording.parent_path()) << "beside the recording, like a local result";
  EXPECT_NEAR(seconds_of(output), seconds_of(recording), 0.1);
  EXPECT_GT(test::ffmpeg_loudness(output).integrated_lufs, -30) << "with music";
  EXPECT_NE(obs.log().find("Uploading " + recording.filename().string()), std::string::npos) << "made on the server: " << obs.log();
  EXPECT_NE(obs.log().find("[obs-bgm] Backend: server"), std::string::npos);

  const auto added = ws.vendor("obs-bgm", "AddResultToScene", {{"jobId", job["jobId"]}});
  ASSERT_TRUE(added.value("success", false)) << added.dump();
  const auto items = ws.request("GetSceneItemList", {{"sceneName", "Main"}});
  bool in_scene = false;
  for (const auto& item : items["responseData"]["sceneItems"]) in_scene |= item.value("sourceName", "") == added.value("sourceName", "");
  EXPECT_TRUE(in_scene) << items.dump();
  // The refine box works the same on a render server: the session continues there.
  const auto refine = ws.vendor("obs-bgm", "RefineResult", {{"sessionId", state.value("sessionId", "")}, {"message", "music at 20%"}});
  ASSERT_TRUE(refine.value("success", false)) << refine.dump();
  const nlohmann::json refined = wait_for_job(ws, refine["jobId"]);
  ASSERT_EQ(refined.value("state", ""), "done") << refined.dump();
  EXPECT_NE(refined.value("summary", "").find(", 20%)"), std::string::npos) << refined.dump();
  EXPECT_NE(refined.value("outputPath", ""), output.string());
  EXPECT_NEAR(seconds_of(refined.value("outputPath", "")), seconds_of(recording), 0.1);
  const auto listed = ws.vendor("obs-bgm", "ListResults", {{"newestFirst", true}});
  EXPECT_EQ(listed["results"].size(), 2u);
  EXPECT_EQ(obs.stop(), 0) << obs.log();

  // The free token the plugin got is kept owner-only, and appears nowhere else.
  const auto creds_file = obs.plugin_config_dir() / "nemovideo-credentials.json";
  struct stat st{};
  ASSERT_EQ(::stat(creds_file.c_str(), &st), 0) << "the client id and token are kept\n" << obs.log() << server.log();
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto creds = nlohmann::json::parse(test::read_file(creds_file));
  const std::string token = creds["tokens"].value(server.url(), "");
  ASSERT_FALSE(token.empty()) << creds.dump();
  for (const std::string& seen : {obs.log(), state.dump(), refined.dump(), listed.dump(), server.log(),
                                  test::read_file(obs.plugin_config_dir() / "results.json"),
                                  test::read_file(obs.plugin_config_dir() / "settings.json")}) {
    EXPECT_EQ(seen.find(token), std::string::npos) << "the token leaked into: " << seen.substr(0, 300);
  }
  ::unsetenv("OBS_BGM_NEMO_TIME_SCALE");
}

TEST(ObsEndToEnd, OutOfFreeCreditsOnAServerOffersRegistration) {
  ObsOnRenderServer setup({"--credits", "0"});
  ASSERT_EQ(setup.start(), "");
  auto& [dir, server, obs, ws] = setup;
  const auto recording = record(ws, 2.0);
  ASSERT_TRUE(std::filesystem::exists(recording));
  const auto job = score_last_recording(ws, {{"any", true}});  // obs-websocket 5 wants at least one field
  ASSERT_TRUE(job.value("success", false)) << job.dump();
  const auto state = wait_for_job(ws, job["jobId"]);
  EXPECT_EQ(state.value("state", ""), "failed") << state.dump();
  EXPECT_NE(state.value("error", "").find("Register (free)"), std::string::npos) << state.dump();
  const auto creds = nlohmann::json::parse(test::read_file(obs.plugin_config_dir() / "nemovideo-credentials.json"));
  EXPECT_NE(state.value("actionUrl", "").find("?bind=" + creds.value("client_id", "?")), std::string::npos)
      << "the registration link carries the client id: " << state.dump();
  EXPECT_EQ(obs.stop(), 0) << obs.log();
  for (const auto& e : std::filesystem::directory_iterator(obs.record_dir()))
    EXPECT_EQ(e.path().filename().string().find("-bgm"), std::string::npos) << "nothing written: " << e.path();
}

}  // namespace
}  // namespace bgm
