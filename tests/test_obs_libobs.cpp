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
#include <mutex>
#include <thread>
#include <vector>

#include "analyzer-filter.h"
#include "bgm-controller.h"
#include "media-import.h"
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

}  // namespace
}  // namespace bgm
