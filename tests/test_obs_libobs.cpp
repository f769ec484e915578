// The plugin's OBS glue inside the real libobs (no frontend window), under Xvfb: the analyzer filter passes
// frames through untouched and, on a Media Source playing a clip with cuts at known times, gathers an analysis
// whose cuts match; adding a result to a scene creates a Media Source playing the right file.
#include <gtest/gtest.h>

#include <obs.h>
#include <util/platform.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "analyzer-filter.h"
#include "bgm-controller.h"
#include "live-source.h"
#include "media-import.h"
#include "settings-keys.h"
#include "audio/audio_buffer.h"
#include "support/audio_measures.h"
#include "support/test_support.h"
#include "support/libobs_session.h"

namespace bgm {
namespace {

using namespace std::chrono_literals;
using test::quote;

struct SourceRelease {
  void operator()(obs_source_t* s) const { obs_source_release(s); }
};
using SourcePtr = std::unique_ptr<obs_source_t, SourceRelease>;

// One output frame's bytes (the NV12 the output carries), taken from the raw video callback.
class FrameGrab {
 public:
  std::vector<uint8_t> next() {
    std::unique_lock lock(m_);
    wanted_ = true;
    cv_.wait_for(lock, 5s, [&] { return !wanted_; });
    return frame_;
  }
  static void callback(void* param, struct video_data* frame) {
    auto* self = static_cast<FrameGrab*>(param);
    std::lock_guard lock(self->m_);
    if (!self->wanted_) return;
    const video_output_info* info = video_output_get_info(obs_get_video());
    self->frame_.clear();
    for (uint32_t y = 0; y < info->height; ++y) self->frame_.insert(self->frame_.end(), frame->data[0] + y * frame->linesize[0], frame->data[0] + y * frame->linesize[0] + info->width);
    for (uint32_t y = 0; y < info->height / 2; ++y) self->frame_.insert(self->frame_.end(), frame->data[1] + y * frame->linesize[1], frame->data[1] + y * frame->linesize[1] + info->width);
    self->wanted_ = false;
    self->cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool wanted_ = false;
  std::vector<uint8_t> frame_;
};

class LibObs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    obs_ = new test::LibObsSession((dir_->path() / "obs-config").string(), 320, 180);
    ASSERT_TRUE(obs_->ok()) << obs_->why();
    BgmController::get().start((dir_->path() / "bgm-config").string());
  }
  static void TearDownTestSuite() {
    BgmController::get().stop();
    delete obs_;
    delete dir_;
  }

  static test::TempDir* dir_;
  static test::LibObsSession* obs_;
};
test::TempDir* LibObs::dir_ = nullptr;
test::LibObsSession* LibObs::obs_ = nullptr;

// A 320x180 colour source (ABGR) added to `scene`.
SourcePtr add_colour(obs_scene_t* scene, const char* name, long long abgr) {
  obs_data_t* settings = obs_data_create();
  obs_data_set_int(settings, "color", abgr);
  obs_data_set_int(settings, "width", 320);
  obs_data_set_int(settings, "height", 180);
  SourcePtr colour(obs_source_create("color_source_v3", name, settings, nullptr));
  obs_data_release(settings);
  obs_scene_add(scene, colour.get());
  return colour;
}

TEST_F(LibObs, TheFilterIsRegisteredAndPassesFramesThroughUnchanged) {
  EXPECT_STREQ(obs_source_get_display_name("obs_bgm_analyzer"), "ObsBgm.Filter.Name");
  obs_scene_t* scene = obs_scene_create("Pass");
  obs_source_t* scene_source = obs_scene_get_source(scene);
  SourcePtr colour = add_colour(scene, "Colour", 0xff3080d0);
  obs_set_output_source(0, scene_source);
  FrameGrab grab;
  obs_add_raw_video_callback(nullptr, FrameGrab::callback, &grab);
  std::this_thread::sleep_for(300ms);
  const auto without = grab.next();

  SourcePtr filter(obs_source_create("obs_bgm_analyzer", "Analyzer", nullptr, nullptr));
  ASSERT_TRUE(filter);
  obs_source_filter_add(colour.get(), filter.get());
  BgmController::get().live_analysis().start();
  BgmController::get().recording_clock().start(os_gettime_ns());
  std::this_thread::sleep_for(1200ms);
  const auto with = grab.next();
  BgmController::get().recording_clock().stop(os_gettime_ns());
  const auto analysis = BgmController::get().live_analysis().finish(1.2, "colour");
  obs_remove_raw_video_callback(FrameGrab::callback, &grab);
  obs_set_output_source(0, nullptr);

  ASSERT_FALSE(without.empty());
  EXPECT_EQ(with, without) << "the analyzer never changes the picture";
  ASSERT_TRUE(analysis) << "the filter read pictures back while 'recording'";
  EXPECT_GT(analysis->fps, 5.0);
  EXPECT_LE(analysis->fps, 10.5) << "at most 10 pictures a second";
  EXPECT_TRUE(analysis->cuts.empty()) << "a still picture has no cuts";
  EXPECT_EQ(analysis->origin, "obs-filter");
  obs_source_filter_remove(colour.get(), filter.get());
  obs_scene_release(scene);
}

TEST_F(LibObs, APauseTakesNoPicturesAndShiftsNothing) {
  obs_scene_t* scene = obs_scene_create("Paused");
  SourcePtr colour = add_colour(scene, "Colour P", 0xff2060c0);
  SourcePtr filter(obs_source_create("obs_bgm_analyzer", "Analyzer P", nullptr, nullptr));
  obs_source_filter_add(colour.get(), filter.get());
  obs_set_output_source(0, obs_scene_get_source(scene));
  auto& clock = BgmController::get().recording_clock();
  BgmController::get().live_analysis().start();
  clock.start(os_gettime_ns());
  std::this_thread::sleep_for(800ms);
  clock.pause(os_gettime_ns());
  std::this_thread::sleep_for(1000ms);
  clock.resume(os_gettime_ns());
  std::this_thread::sleep_for(800ms);
  const double ran = clock.stop(os_gettime_ns());
  const auto capture = BgmController::get().live_analysis().stop();
  obs_set_output_source(0, nullptr);
  obs_source_filter_remove(colour.get(), filter.get());
  obs_scene_release(scene);
  EXPECT_NEAR(ran, 1.6, 0.15) << "the second of pause is not recording time";
  const auto& frames = capture.features.frames;
  ASSERT_GE(frames.size(), 8u);
  EXPECT_LE(frames.size(), 18u) << "no pictures while paused (10 a second at most over 1.6 s)";
  EXPECT_LE(frames.back().t, ran + 0.15) << "times after the pause continue where it began";
  for (size_t i = 1; i < frames.size(); ++i) EXPECT_LT(frames[i].t - frames[i - 1].t, 0.5) << "no gap where the pause was";
}

TEST_F(LibObs, OnAMediaSourceTheFilterFindsTheClipsCuts) {
  const auto clip = dir_->path() / "shots.mp4";
  const auto made = test::run("ffmpeg -v error -y -f lavfi -i color=c=0xd02020:s=320x180:r=30:d=2 -f lavfi -i testsrc2=s=320x180:r=30:d=2 "
                              "-f lavfi -i color=c=0x2040e0:s=320x180:r=30:d=2 -f lavfi -i smptehdbars=s=320x180:r=30:d=2 "
                              "-filter_complex \"[0][1][2][3]concat=n=4:v=1,format=yuv420p\" -c:v libx264 -preset ultrafast " + quote(clip));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  obs_scene_t* scene = obs_scene_create("Media");
  obs_data_t* settings = obs_data_create();
  obs_data_set_bool(settings, "is_local_file", true);
  obs_data_set_string(settings, "local_file", clip.c_str());
  SourcePtr media(obs_source_create("ffmpeg_source", "Clip", settings, nullptr));
  obs_data_release(settings);
  SourcePtr filter(obs_source_create("obs_bgm_analyzer", "Analyzer 2", nullptr, nullptr));
  obs_source_filter_add(media.get(), filter.get());
  obs_scene_add(scene, media.get());
  obs_set_output_source(0, obs_scene_get_source(scene));
  std::this_thread::sleep_for(500ms);

  // "Recording" starts with the clip.
  obs_source_media_restart(media.get());
  std::this_thread::sleep_for(100ms);  // the restart reaches the decoder
  for (int i = 0; i < 400; ++i) {
    const int64_t ms = obs_source_media_get_time(media.get());
    if (obs_source_media_get_state(media.get()) == OBS_MEDIA_STATE_PLAYING && ms > 0 && ms < 300) break;
    std::this_thread::sleep_for(5ms);
  }
  const uint64_t start = os_gettime_ns() - static_cast<uint64_t>(obs_source_media_get_time(media.get())) * 1000000ULL;
  BgmController::get().live_analysis().start();
  BgmController::get().recording_clock().start(start);
  for (int i = 0; i < 200 && obs_source_media_get_state(media.get()) != OBS_MEDIA_STATE_ENDED; ++i) std::this_thread::sleep_for(50ms);
  BgmController::get().recording_clock().stop(os_gettime_ns());
  const auto analysis = BgmController::get().live_analysis().finish(8.0, clip.string());
  obs_set_output_source(0, nullptr);
  obs_source_filter_remove(media.get(), filter.get());
  obs_scene_release(scene);
  ASSERT_TRUE(analysis);
  std::string found;
  for (double c : analysis->cuts) found += std::to_string(c) + " ";
  ASSERT_EQ(analysis->cuts.size(), 3u) << found;
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(analysis->cuts[i], 2.0 * static_cast<double>(i + 1), 0.25) << found;
  EXPECT_NEAR(analysis->duration_s, 8.0, 0.01);
}

TEST_F(LibObs, AddingAResultCreatesAMediaSourceWithTheFile) {
  obs_scene_t* scene = obs_scene_create("Results");
  const std::string file = (dir_->path() / "music.m4a").string();
  const std::string name = add_media_source(scene, file, "AI Music - Lo-fi");
  EXPECT_EQ(name, "AI Music - Lo-fi");
  EXPECT_EQ(add_media_source(scene, file, "AI Music - Lo-fi"), "AI Music - Lo-fi 2") << "names stay unique";
  obs_sceneitem_t* item = obs_scene_find_source(scene, name.c_str());
  ASSERT_NE(item, nullptr);
  obs_source_t* source = obs_sceneitem_get_source(item);
  EXPECT_STREQ(obs_source_get_id(source), "ffmpeg_source");
  obs_data_t* settings = obs_source_get_settings(source);
  EXPECT_EQ(std::string(obs_data_get_string(settings, "local_file")), file);
  EXPECT_TRUE(obs_data_get_bool(settings, "is_local_file"));
  obs_data_release(settings);

  // The dock's "analyse this scene" adds the analyzer once, however often it is pressed.
  obs_source_t* scene_source = obs_scene_get_source(scene);
  EXPECT_TRUE(add_analyzer_filter(scene_source, "AI Music Analyzer"));
  EXPECT_TRUE(add_analyzer_filter(scene_source, "AI Music Analyzer"));
  EXPECT_EQ(obs_source_filter_count(scene_source), 1u);
  obs_scene_release(scene);
}


// What a track of the recording receives: OBS's mixed audio of one track, with the time of its first frame.
class TrackCapture {
 public:
  explicit TrackCapture(size_t track) : track_(track) { audio_output_connect(obs_get_audio(), track_, nullptr, callback, this); }
  ~TrackCapture() { audio_output_disconnect(obs_get_audio(), track_, callback, this); }
  static void callback(void* param, size_t, struct audio_data* data) {
    auto* self = static_cast<TrackCapture*>(param);
    std::lock_guard lock(self->m_);
    if (self->first_ns_ == 0) self->first_ns_ = data->timestamp;
    self->expected_end_ns_ = data->timestamp + data->frames * 1000000000ULL / 48000;
    const auto* l = reinterpret_cast<const float*>(data->data[0]);
    const auto* r = reinterpret_cast<const float*>(data->data[1]);
    self->audio_.left.insert(self->audio_.left.end(), l, l + data->frames);
    self->audio_.right.insert(self->audio_.right.end(), r, r + data->frames);
  }
  AudioBuffer audio() {
    std::lock_guard lock(m_);
    return audio_;
  }
  uint64_t first_ns() {
    std::lock_guard lock(m_);
    return first_ns_;
  }

 private:
  size_t track_;
  std::mutex m_;
  AudioBuffer audio_;
  uint64_t first_ns_ = 0, expected_end_ns_ = 0;
};

TEST_F(LibObs, TheLiveSourcePlaysOnFollowsTheProgramSceneAndStepsBackUnderAnAudibleMic) {
  namespace keys = obs_bgm_keys;
  register_live_source();
  // A "microphone": a tone with a syllable rhythm, on track 2 only; the music on track 1 only.
  const auto voice = dir_->path() / "voice.wav";
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i \"sine=f=220:d=120\" -af \"tremolo=f=4:d=0.6,volume=-10dB\" -ac 2 " +
                      quote(voice.string())).exit_code, 0);
  obs_data_t* mic_settings = obs_data_create();
  obs_data_set_string(mic_settings, "local_file", voice.string().c_str());
  obs_data_set_bool(mic_settings, "looping", true);
  SourcePtr mic(obs_source_create("ffmpeg_source", "Mic", mic_settings, nullptr));
  obs_data_release(mic_settings);
  obs_source_set_audio_mixers(mic.get(), 1u << 1);

  obs_data_t* settings = obs_data_create();
  obs_data_set_string(settings, keys::kLivePrompt, "ambient");
  obs_data_set_string(settings, keys::kLiveSceneMoods, "Just Chatting: energetic electronic\nBe right back: ambient");
  obs_data_set_string(settings, keys::kLiveMic, "Mic");
  obs_data_set_int(settings, keys::kLiveDuckDb, 12);
  obs_data_set_int(settings, keys::kLiveLevel, -20);
  obs_data_set_bool(settings, keys::kLivePlayOnLoad, true);
  obs_data_set_int(settings, keys::kLiveSeed, 7);
  for (int t = 1; t <= 6; ++t) obs_data_set_bool(settings, (std::string(keys::kLiveTrackPrefix) + std::to_string(t)).c_str(), t == 1);
  SourcePtr live(obs_source_create(keys::kLiveSourceId, "AI Music (live)", settings, nullptr));
  obs_data_release(settings);
  ASSERT_TRUE(live);
  EXPECT_EQ(obs_source_get_audio_mixers(live.get()), 1u) << "its tracks are its properties'";

  obs_scene_t* gameplay = obs_scene_create("Gameplay");
  obs_scene_t* chatting = obs_scene_create("Just Chatting");
  obs_scene_add(gameplay, live.get());
  obs_scene_add(chatting, live.get());
  obs_sceneitem_t* hidden_mic = obs_scene_add(gameplay, mic.get());
  obs_sceneitem_set_visible(hidden_mic, false);  // present but hidden: it must not duck the music
  obs_set_output_source(0, obs_scene_get_source(gameplay));

  TrackCapture track1(0);
  // Until the music is heard (the SoundFont loads on the source's own thread).
  const auto started = std::chrono::steady_clock::now();
  while (live_status_all().empty() || !live_status_all().front().ready) {
    ASSERT_LT(std::chrono::steady_clock::now() - started, 20s) << "the live source never started";
    std::this_thread::sleep_for(100ms);
  }
  auto at_s = [&](uint64_t ns) { return (static_cast<double>(ns) - static_cast<double>(track1.first_ns())) / 1e9; };
  std::this_thread::sleep_for(12s);
  const double gameplay_until = at_s(os_gettime_ns());
  const uint64_t switch_ns = os_gettime_ns();
  obs_set_output_source(0, obs_scene_get_source(chatting));
  std::this_thread::sleep_for(12s);
  const auto chatting_status = live_status_all().front();
  obs_sceneitem_t* mic_item = obs_scene_add(chatting, mic.get());
  const double voice_from = at_s(os_gettime_ns());
  std::this_thread::sleep_for(8s);
  obs_sceneitem_set_visible(mic_item, false);
  const double voice_until = at_s(os_gettime_ns());
  std::this_thread::sleep_for(8s);
  const double end = at_s(os_gettime_ns());
  const AudioBuffer a = track1.audio();
  obs_set_output_source(0, nullptr);

  std::printf("track 1: %.1f s captured over %.1f s; the mood in Just Chatting: %s at %.0f BPM\n", double(a.frames()) / 48000, end,
              chatting_status.style.c_str(), chatting_status.tempo_bpm);
  EXPECT_EQ(chatting_status.style, "Electronic / EDM");
  // Continuous: from the first sound on, never 100 ms of silence, and no click where OBS's buffers join.
  size_t first = 0;
  while (first < a.frames() && std::fabs(a.left[first]) < 1e-4f) ++first;
  ASSERT_LT(first, a.frames());
  for (size_t i = first + 4800; i + 4800 <= a.frames() - 4800; i += 4800) {
    double e = 0;
    for (size_t k = i; k < i + 4800; ++k) e += double(a.left[k]) * a.left[k] + double(a.right[k]) * a.right[k];
    ASSERT_GT(10 * std::log10(e / 9600 + 1e-20), -70.0) << "silence at " << double(i) / 48000 << " s of track 1";
  }
  // (Except within 50 ms of the switch: obs_set_output_source swaps the whole audio tree at once, OBS's hard cut.)
  const auto switch_frame = static_cast<size_t>((double(switch_ns) - double(track1.first_ns())) / 1e9 * 48000);
  float sharpest = 0, sharpest_at_join = 0;
  size_t join_at = 0;
  for (size_t i = first + 1; i < a.frames(); ++i) {
    if (i + 2400 > switch_frame && i < switch_frame + 2400) continue;
    const float step = std::max(std::fabs(a.left[i] - a.left[i - 1]), std::fabs(a.right[i] - a.right[i - 1]));
    if (i % 1024 != 0) sharpest = std::max(sharpest, step);
    else if (step > sharpest_at_join) sharpest_at_join = step, join_at = i;
  }
  EXPECT_LE(sharpest_at_join, sharpest) << "a click where buffers join, at " << double(join_at) / 48000 << " s";

  // The switch to "Just Chatting" is heard within a bar (plus OBS's own audio buffering).
  const double bar_s = 240.0 / chatting_status.tempo_bpm;
  // Against the ambient music's mean over its last 8 s (its brightest moments are chimes, not a kit).
  const double before = test::high_band_db(a, gameplay_until - 8, gameplay_until - 0.1);
  double heard = -1;
  for (double t = at_s(switch_ns); t < at_s(switch_ns) + 8; t += 0.05)
    if (test::high_band_db(a, t, t + 0.1) > before + 10) {
      heard = t - at_s(switch_ns);
      break;
    }
  std::printf("scene switch heard after %.2f s (a bar of the new mood: %.2f s)\n", heard, bar_s);
  ASSERT_GE(heard, 0) << "the new scene's mood was not heard";
  EXPECT_LE(heard, 240.0 / 60.0 + 0.5) << "within a bar of the music that was playing (ambient at >= 60 BPM) and OBS's buffering";

  // The mic: hidden in Gameplay, no step back; visible in Just Chatting, 12 dB back; hidden again, back up.
  const double open = test::lufs_between(a, voice_from - 6, voice_from), under = test::lufs_between(a, voice_from + 2, voice_until),
               after = test::lufs_between(a, voice_until + 2, end);
  const double hidden_before = test::lufs_between(a, 3, 7), hidden_late = test::lufs_between(a, 7, gameplay_until);
  std::printf("Gameplay with the mic hidden %.1f / %.1f LUFS; Just Chatting %.1f, under the voice %.1f, hidden again %.1f\n", hidden_before,
              hidden_late, open, under, after);
  EXPECT_NEAR(hidden_late, -20.0, 3.0) << "a hidden mic does not duck the music";
  EXPECT_LE(under, open - 9.0);
  EXPECT_GE(under, open - 18.0);
  EXPECT_NEAR(after, open, 3.0);
  obs_scene_release(gameplay);
  obs_scene_release(chatting);
}

}  // namespace
}  // namespace bgm
