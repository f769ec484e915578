// The live source in the real OBS (issue 12): a recording with two audio tracks, the live music on its default
// tracks (every track but the VOD track, track 2) and a voice on both, scene switches at known times. Track 1 holds
// music that changes after the switch and steps back under the voice; track 2 holds the voice and no music.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/audio_measures.h"
#include "support/obs_session.h"
#include "support/obs_websocket.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using namespace std::chrono_literals;
using test::quote;

bool ok(const nlohmann::json& r) { return r.value("requestStatus", nlohmann::json::object()).value("result", false); }

AudioBuffer track_of(const std::filesystem::path& recording, int track, const std::filesystem::path& dir) {
  const auto wav = dir / ("track" + std::to_string(track) + ".wav");
  const auto r = test::run("ffmpeg -v error -y -i " + quote(recording.string()) + " -map 0:a:" + std::to_string(track - 1) +
                           " -ar 48000 -ac 2 " + quote(wav.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return test::decode(wav);
}

TEST(ObsEndToEnd, LiveMusicFollowsTheScenesDucksUnderTheVoiceAndStaysOffTheVodTrack) {
  test::TempDir dir;
  const auto voice = dir.path() / "voice.wav";
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i \"sine=f=220:d=60\" -af \"tremolo=f=4:d=0.6,volume=-10dB\" -ac 2 " +
                      quote(voice.string())).exit_code, 0);
  test::ObsSession obs(dir.path() / "obs", OBS_BGM_PLUGIN_DIR);
  obs.set_record_tracks(3);  // tracks 1 and 2
  ASSERT_EQ(obs.start(), "");
  test::ObsWebSocket ws;
  ASSERT_EQ(ws.connect(obs.port()), "");

  const auto created = ws.request("CreateInput", {{"sceneName", "Main"}, {"inputName", "AI Music (live)"}, {"inputKind", "obs_bgm_live"},
                                                 {"inputSettings", {{"prompt", "ambient"}, {"scene_moods", "Second: energetic electronic"}, {"mic", "Voice"}, {"seed", 7}}}});
  ASSERT_TRUE(ok(created)) << created.dump();
  ASSERT_TRUE(ok(ws.request("CreateSceneItem", {{"sceneName", "Second"}, {"sourceName", "AI Music (live)"}})));
  const auto tracks = ws.request("GetInputAudioTracks", {{"inputName", "AI Music (live)"}});
  ASSERT_TRUE(ok(tracks)) << tracks.dump();
  EXPECT_TRUE(tracks["responseData"]["inputAudioTracks"].value("1", false));
  EXPECT_FALSE(tracks["responseData"]["inputAudioTracks"].value("2", true)) << "off the VOD track by default";

  // Until the music plays (the SoundFont loads on the source's thread).
  for (int i = 0;; ++i) {
    const auto status = ws.vendor("obs-bgm", "LiveStatus", {{"all", true}});
    ASSERT_TRUE(status.value("success", false)) << status.dump();
    if (!status["sources"].empty() && status["sources"][0].value("ready", false)) break;
    ASSERT_LT(i, 200) << status.dump();
    std::this_thread::sleep_for(100ms);
  }

  ASSERT_TRUE(ok(ws.request("SetCurrentSceneTransition", {{"transitionName", "Cut"}})));
  ASSERT_TRUE(ok(ws.request("StartRecord")));
  for (int i = 0; i < 100 && !ws.request("GetRecordStatus")["responseData"].value("outputActive", false); ++i) std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  auto at = [&](double s) { std::this_thread::sleep_until(t0 + std::chrono::duration<double>(s)); };
  at(14);
  ASSERT_TRUE(ok(ws.request("SetCurrentProgramScene", {{"sceneName", "Second"}})));
  at(22);
  const auto voice_input = ws.request("CreateInput", {{"sceneName", "Second"}, {"inputName", "Voice"}, {"inputKind", "ffmpeg_source"},
                                                     {"inputSettings", {{"local_file", voice.string()}, {"looping", true}}}});
  ASSERT_TRUE(ok(voice_input)) << voice_input.dump();
  ASSERT_TRUE(ok(ws.request("SetInputAudioTracks", {{"inputName", "Voice"}, {"inputAudioTracks", {{"1", true}, {"2", true}}}})));
  at(30);
  ASSERT_TRUE(ok(ws.request("SetSceneItemEnabled",
                            {{"sceneName", "Second"}, {"sceneItemId", voice_input["responseData"]["sceneItemId"]}, {"sceneItemEnabled", false}})));
  at(38);
  const auto stopped = ws.request("StopRecord");
  ASSERT_TRUE(ok(stopped)) << stopped.dump();
  const std::filesystem::path recording = stopped["responseData"].value("outputPath", "");
  const auto status = ws.vendor("obs-bgm", "LiveStatus", {{"all", true}});
  // The dock with the live music playing, on its Live tab (the README's picture).
  EXPECT_TRUE(obs.fill_screen());
  EXPECT_TRUE(ws.vendor("obs-bgm", "ShowDock", {{"tab", "live"}}).value("success", false));
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(obs.screenshot(OBS_BGM_LIVE_SCREENSHOT_PATH));

  // Driven from obs-websocket, as a Stream Deck button would: a mood by hand, stop, start.
  auto live_now = [&] { return ws.vendor("obs-bgm", "LiveStatus", {{"all", true}})["sources"][0]; };
  const auto set = ws.vendor("obs-bgm", "LiveSetMood", {{"mood", "smooth jazz"}});
  ASSERT_TRUE(set.value("success", false)) << set.dump();
  for (int i = 0; i < 100 && live_now().value("style", "") != "Jazz"; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(live_now().value("style", ""), "Jazz");
  EXPECT_FALSE(ws.vendor("obs-bgm", "LiveSetMood", {{"all", true}}).value("success", true)) << "no mood given";
  ASSERT_TRUE(ws.vendor("obs-bgm", "LiveStop", {{"all", true}}).value("success", false));
  EXPECT_FALSE(live_now().value("playing", true));
  ASSERT_TRUE(ws.vendor("obs-bgm", "LiveStart", {{"all", true}}).value("success", false));
  EXPECT_TRUE(live_now().value("playing", false));
  // The hotkey (Settings > Hotkeys: "AI Music (live): start/stop") toggles it.
  ASSERT_TRUE(ok(ws.request("TriggerHotkeyByName", {{"hotkeyName", "obs_bgm.live_toggle"}})));
  EXPECT_FALSE(live_now().value("playing", true)) << "the hotkey stops it";
  ASSERT_TRUE(ok(ws.request("TriggerHotkeyByName", {{"hotkeyName", "obs_bgm.live_toggle"}})));
  EXPECT_TRUE(live_now().value("playing", false)) << "and starts it again";
  // Studio mode: the music follows the program, when the transition goes (not the preview).
  ASSERT_TRUE(ok(ws.request("SetStudioModeEnabled", {{"studioModeEnabled", true}})));
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(ok(ws.request("SetCurrentPreviewScene", {{"sceneName", "Main"}})));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(live_now().value("style", ""), "Jazz") << "a scene in the preview changes nothing";
  ASSERT_TRUE(ok(ws.request("TriggerStudioModeTransition")));
  for (int i = 0; i < 100 && live_now().value("style", "") != "Ambient"; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(live_now().value("style", ""), "Ambient") << "Main's music (the source's prompt) after the transition";
  EXPECT_EQ(obs.stop(), 0);

  const AudioBuffer music = track_of(recording, 1, dir.path()), vod = track_of(recording, 2, dir.path());
  const double bpm = status["sources"][0].value("tempoBpm", 120.0);
  std::printf("track 1: ambient %.1f LUFS, electronic %.1f, under the voice %.1f, after %.1f; track 2: before the voice %.1f, voice %.1f\n",
              test::lufs_between(music, 3, 13), test::lufs_between(music, 16, 22), test::lufs_between(music, 24, 30), test::lufs_between(music, 32, 37), test::lufs_between(vod, 3, 21),
              test::lufs_between(vod, 24, 30));
  // Track 2 (the VOD): the voice and nothing else.
  EXPECT_LT(test::lufs_between(vod, 3, 21), -60.0) << "no music on the VOD track";
  EXPECT_GT(test::lufs_between(vod, 24, 30), -35.0) << "the voice is there";
  // Track 1: the bed's level, then the new scene's mood within a bar (and OBS's buffering) of the switch.
  EXPECT_NEAR(test::lufs_between(music, 3, 13), -20.0, 3.0);
  const double ambient_high = test::high_band_db(music, 6, 13.5);
  double heard = -1;
  for (double t = 14; t < 20; t += 0.1)
    if (test::high_band_db(music, t, t + 0.1) > ambient_high + 10) {
      heard = t - 14;
      break;
    }
  std::printf("the switch to Second heard after %.2f s (the new mood at %.0f BPM)\n", heard, bpm);
  ASSERT_GE(heard, 0) << "the music did not change after the switch";
  EXPECT_LE(heard, 4.5) << "within a bar of the ambient music (at least 60 BPM) and OBS's buffering";
  // Under the voice: the kit's band (the voice has none) drops by about the depth, and comes back after.
  const double before = test::high_band_db(music, 16, 22), under = test::high_band_db(music, 24, 30), after = test::high_band_db(music, 32, 37);
  std::printf("electronic's high band: %.1f dB, under the voice %.1f, after %.1f\n", before, under, after);
  EXPECT_LE(under, before - 9.0);
  EXPECT_NEAR(after, before, 4.0);
}

}  // namespace
}  // namespace bgm
