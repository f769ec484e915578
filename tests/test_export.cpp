// Platform exports (issue 23): each preset's file checked with ffprobe and FFmpeg's own meters as a platform's
// upload check would (frame, pixel shape, frame rate, bit rate, profile, keyframes, faststart, length, AAC,
// loudness); a range gets music of its own length; a recording longer than a preset takes is not cut but offered
// a range; a 16:9 picture cropped into 9:16 keeps a moving subject in the frame, and fitted shows all of it.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "agent/message_words.h"
#include "engine/reframe_plan.h"
#include "media/export_preset.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using json = nlohmann::json;
using test::quote;
namespace fs = std::filesystem;

// ---- the parts ----

TEST(ExportPresets, TheTableAndTheWordsPeopleUse) {
  EXPECT_EQ(export_preset_ids(), "youtube, shorts, tiktok, douyin, reels, x, x-vertical, bilibili");
  for (const auto& [name, id] : std::vector<std::pair<std::string, std::string>>{
           {"shorts", "shorts"}, {"YouTube Shorts", "shorts"}, {"TikTok", "tiktok"}, {"抖音", "douyin"}, {"b站", "bilibili"},
           {"instagram", "reels"}, {"twitter", "x"}, {"X-Vertical", "x-vertical"}}) {
    const ExportPreset* p = find_export_preset(name);
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(p->id, id) << name;
  }
  EXPECT_FALSE(find_export_preset("vimeo"));
  for (const auto& [message, id] : std::vector<std::pair<std::string, std::string>>{
           {"export for Shorts", "shorts"}, {"make it vertical", "shorts"}, {"9:16 please", "shorts"}, {"导出竖屏", "shorts"},
           {"导出抖音", "douyin"}, {"export it for TikTok", "tiktok"}, {"post to instagram reels", "reels"}, {"export for x-vertical", "x-vertical"},
           {"for bilibili", "bilibili"}, {"export for youtube shorts", "shorts"}}) {
    const ExportPreset* p = find_export_preset_in(normalize_message(message));
    ASSERT_TRUE(p) << message;
    EXPECT_EQ(p->id, id) << message;
  }
  EXPECT_FALSE(find_export_preset_in(normalize_message("make the music shorter"))) << "not a platform";
  EXPECT_FALSE(find_export_preset_in(normalize_message("export"))) << "a plain export keeps the recording's frame";
  const ExportPreset& reels = *find_export_preset("reels");
  EXPECT_DOUBLE_EQ(export_fps(reels, 15), 30) << "below 23 fps Reels takes 30";
  EXPECT_DOUBLE_EQ(export_fps(reels, 60), 60);
  EXPECT_DOUBLE_EQ(export_fps(*find_export_preset("x"), 60), 40);
  EXPECT_EQ(export_video_kbps(*find_export_preset("youtube"), 60), 12000);
  EXPECT_EQ(export_video_kbps(*find_export_preset("youtube"), 30), 8000);
}

// Activity of a subject `width` columns wide whose centre moves from `from` to `to` (fractions of the width).
ColumnActivity moving_subject(double start, double end, double from, double to, int width, ColumnActivity activity = {}) {
  for (double t = start + 0.1; t < end; t += kActivityIntervalS) {
    ActivitySample s;
    s.t = t;
    for (float& c : s.columns) c = 0.02f;  // noise everywhere
    const double centre = from + (to - from) * (t - start) / (end - start);
    const int first = static_cast<int>(centre * kThumbWidth) - width / 2;
    for (int i = std::max(0, first); i < std::min(kThumbWidth, first + width); ++i) s.columns[i] += 1.0f;
    activity.samples.push_back(s);
  }
  return activity;
}

TEST(Reframe, TheWindowFollowsTheActionHoldsStillAndJumpsOnlyAtCuts) {
  const double window = crop_window(1920, 1080, 1080, 1920);
  EXPECT_NEAR(window, 0.3164, 0.001);
  // Shot 1 (0-10 s): a subject walks from left to right. Shot 2 (10-16 s): two subjects at both edges. Shot 3
  // (16-20 s): nothing moves. Shot 4 (20-26 s): a subject standing right of centre.
  ColumnActivity a = moving_subject(0, 10, 0.2, 0.7, 4);
  a = moving_subject(10, 16, 0.05, 0.05, 3, a);
  for (auto& s : a.samples)
    if (s.t >= 10 && s.t < 16)
      for (int i = 60; i < 63; ++i) s.columns[i] += 1.0f;
  for (double t = 16.1; t < 20; t += kActivityIntervalS) {
    ActivitySample s;
    s.t = t;
    for (float& c : s.columns) c = 0.02f;
    a.samples.push_back(s);
  }
  a = moving_subject(20, 26, 0.62, 0.62, 4, a);
  const ReframePlan plan = plan_reframe(Reframe::kCrop, window, 26, {10, 16, 20}, a);
  ASSERT_EQ(plan.shots.size(), 4u);
  EXPECT_TRUE(plan.shots[0].crop) << plan.shots[0].coverage;
  EXPECT_FALSE(plan.shots[1].crop) << "action at both edges cannot fit a 9:16 window: fitted whole";
  EXPECT_FALSE(plan.shots[2].crop) << "nothing moves: fitted whole";
  EXPECT_TRUE(plan.shots[3].crop);
  ReframeSettings settings;
  for (const auto& shot : plan.shots) {
    for (size_t i = 1; i < shot.path.size(); ++i) {
      const double dt = shot.path[i].t - shot.path[i - 1].t;
      EXPECT_LE(std::fabs(shot.path[i].centre - shot.path[i - 1].centre), settings.max_speed * dt + 1e-9) << "pans, never jumps, inside a shot";
    }
  }
  // The subject of shot 1 stays inside the window.
  int inside = 0, total = 0;
  for (double t = 0.2; t < 10; t += 0.1, ++total) {
    const double subject = 0.2 + 0.5 * t / 10;
    const double left = *plan.crop_left_at(t);
    inside += subject > left && subject < left + window;
  }
  EXPECT_GE(inside, total * 95 / 100);
  EXPECT_FALSE(plan.crop_left_at(12)) << "shot 2 is fitted";
  // Shot 4's window holds still (the subject does not move): no drift inside the dead zone.
  EXPECT_NEAR(*plan.crop_left_at(21), *plan.crop_left_at(25.5), 1e-9);
  EXPECT_NEAR(*plan.crop_left_at(23) + window / 2, 0.62, 0.05);
  // Fit: every shot whole.
  for (const auto& shot : plan_reframe(Reframe::kFit, window, 26, {10}, a).shots) EXPECT_FALSE(shot.crop);
}

// ---- whole exports, judged by ffprobe and FFmpeg ----

class Exports : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    // 16:9 at 30 fps with sound, as OBS records it (H.264, keyframes every 2 s); its corners marked red, green,
    // blue and yellow, so a fitted export can be seen to show all of it.
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=8 -f lavfi -i sine=f=330:d=8 -vf "
           "\"drawbox=x=0:y=0:w=96:h=96:color=red:t=fill,drawbox=x=iw-96:y=0:w=96:h=96:color=lime:t=fill,"
           "drawbox=x=0:y=ih-96:w=96:h=96:color=blue:t=fill,drawbox=x=iw-96:y=ih-96:w=96:h=96:color=yellow:t=fill\" "
           "-c:v libx264 -preset ultrafast -g 60 -c:a aac -shortest " + quote(at("wide.mp4")));
    // A white square crossing a dark room from left to right in 12 s: one shot, a subject to follow.
    run_ok("ffmpeg -v error -y -f lavfi -i color=c=0x202020:s=1280x720:r=30:d=12 -f lavfi -i color=c=white:s=120x120:r=30:d=12 "
           "-f lavfi -i sine=f=330:d=12 -filter_complex \"[0][1]overlay=x='100+t*70':y=300[v]\" -map [v] -map 2 "
           "-c:v libx264 -preset ultrafast -g 60 -c:a aac -shortest " + quote(at("moving.mp4")));
    // 150 s, longer than X takes (140 s); and 14 s with one keyframe every 12 s (longer than Bilibili's 10 s).
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=150 -f lavfi -i sine=f=330:d=150 -c:v libx264 -preset ultrafast "
           "-g 300 -c:a aac -shortest " + quote(at("long.mp4")));
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=640x360:r=30:d=14 -f lavfi -i sine=f=330:d=14 -c:v libx264 -preset ultrafast "
           "-g 360 -keyint_min 360 -sc_threshold 0 -c:a aac -shortest " + quote(at("sparse-keys.mp4")));
  }
  static void TearDownTestSuite() { delete dir_; }
  static void run_ok(const std::string& cmd) {
    const auto r = test::run(cmd);
    ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
  }
  static fs::path at(const std::string& name) { return dir_->path() / name; }
  static json score(const std::string& input, const std::string& args) {
    const auto r = test::run_cli("score " + quote(at(input)) + " --seed 3 --json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.exit_code == 0 ? json::parse(r.out) : json{};
  }
  static json probe(const fs::path& file) {
    return json::parse(test::run("ffprobe -v error -of json -show_format -show_streams " + quote(file)).out);
  }
  static double rate(const std::string& fraction) {
    const auto slash = fraction.find('/');
    return std::stod(fraction.substr(0, slash)) / std::stod(fraction.substr(slash + 1));
  }
  // The top-level MP4 boxes in order ("ftyp", "moov", "mdat"...).
  static std::vector<std::string> boxes(const fs::path& file) {
    std::vector<std::string> out;
    std::ifstream in(file, std::ios::binary);
    unsigned char head[16];
    while (in.read(reinterpret_cast<char*>(head), 8)) {
      uint64_t size = (uint64_t{head[0]} << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
      out.emplace_back(reinterpret_cast<char*>(head + 4), 4);
      uint64_t header = 8;
      if (size == 1 && in.read(reinterpret_cast<char*>(head + 8), 8)) {
        size = 0;
        for (int i = 8; i < 16; ++i) size = size << 8 | head[i];
        header = 16;
      }
      if (size < header) break;
      in.seekg(static_cast<std::streamoff>(size - header), std::ios::cur);
    }
    return out;
  }
  // Seconds of each keyframe of the video stream.
  static std::vector<double> keyframes(const fs::path& file) {
    std::vector<double> out;
    const std::string text = test::run("ffprobe -v error -select_streams v:0 -skip_frame nokey -show_entries frame=pts_time -of csv=p=0 " + quote(file)).out;
    size_t at = 0;
    while (at < text.size()) {
      const size_t end = text.find('\n', at);
      const std::string line = text.substr(at, end - at);
      if (!line.empty()) out.push_back(std::stod(line));
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return out;
  }
  // One frame as RGB bytes, scaled to w x h.
  static std::string rgb_frame(const fs::path& file, double t, int w, int h) {
    return test::run("ffmpeg -v error -ss " + std::to_string(t) + " -i " + quote(file) + " -frames:v 1 -vf scale=" + std::to_string(w) + ":" +
                     std::to_string(h) + ":flags=area,format=rgb24 -f rawvideo -").out;
  }

  // What every preset's file must be: checked with the platform's own figures.
  static void expect_platform_file(const fs::path& file, const ExportPreset& p, double length, int source_height, bool copied) {
    SCOPED_TRACE(p.id);
    const json info = probe(file);
    ASSERT_TRUE(info.contains("streams"));
    const json* video = nullptr;
    const json* audio = nullptr;
    for (const auto& s : info["streams"]) (s["codec_type"] == "video" ? video : audio) = &s;
    ASSERT_TRUE(video && audio);
    EXPECT_EQ((*video)["codec_name"], "h264");
    EXPECT_EQ(info["format"]["format_name"].get<std::string>().find("mp4") != std::string::npos, true);
    const int width = (*video)["width"], height = (*video)["height"];
    if (p.source_frame()) {
      EXPECT_LE(height, p.max_height);
      EXPECT_EQ(height, std::min(source_height, p.max_height));
    } else {
      EXPECT_EQ(width, p.width);
      EXPECT_EQ(height, p.height);
    }
    const std::string sar = video->value("sample_aspect_ratio", "1:1");
    EXPECT_TRUE(sar == "1:1" || sar == "0:1") << sar;
    const double fps = rate((*video)["avg_frame_rate"]);
    EXPECT_GE(fps, p.min_fps > 0 ? p.min_fps : 1.0);
    EXPECT_LE(fps, p.max_fps + 0.01);
    EXPECT_NEAR(std::stod(info["format"]["duration"].get<std::string>()), length, 0.1);
    if (!copied) {
      EXPECT_EQ((*video)["profile"], "High");
      const double kbps = std::stod((*video)["bit_rate"].get<std::string>()) / 1000;
      EXPECT_LE(kbps, (p.max_video_kbps > 0 ? p.max_video_kbps : p.video_kbps * 1.5) * 1.1);
      const auto keys = keyframes(file);
      ASSERT_FALSE(keys.empty());
      double gap = length - keys.back();
      for (size_t i = 1; i < keys.size(); ++i) gap = std::max(gap, keys[i] - keys[i - 1]);
      EXPECT_LE(gap, std::max(p.keyframe_s, 0.5) + 0.05) << "a keyframe at least every " << p.keyframe_s << " s";
    }
    EXPECT_EQ((*audio)["codec_name"], "aac");
    EXPECT_EQ((*audio)["sample_rate"], "48000");
    EXPECT_EQ((*audio)["channels"], 2);
    EXPECT_LE(std::stod((*audio)["bit_rate"].get<std::string>()) / 1000, p.audio_kbps * 1.1);
    const auto order = boxes(file);
    const auto moov = std::find(order.begin(), order.end(), "moov"), mdat = std::find(order.begin(), order.end(), "mdat");
    EXPECT_TRUE(moov != order.end() && mdat != order.end() && moov < mdat) << "faststart: the index before the media";
    const auto loud = test::ffmpeg_loudness(file);
    EXPECT_NEAR(loud.integrated_lufs, -14.0, 1.0);
    EXPECT_LE(loud.true_peak_dbtp, -1.0);
  }

  static test::TempDir* dir_;
};
test::TempDir* Exports::dir_ = nullptr;

TEST_F(Exports, EveryPresetsFileIsWhatItsPlatformAsksFor) {
  for (const auto& p : export_presets()) {
    const fs::path out = at("wide-" + p.id + ".mp4");
    const json r = score("wide.mp4", "--preset " + p.id + " -o " + quote(out));
    ASSERT_TRUE(r.contains("output")) << p.id;
    EXPECT_EQ(r["preset"], p.id);
    const bool copied = r["video_copied"].get<bool>();
    EXPECT_EQ(copied, p.copy_when_fits) << p.id << ": a 720p H.264 recording with keyframes every 2 s fits YouTube and Bilibili as it is";
    expect_platform_file(out, p, 8.0, 720, copied);
  }
}

TEST_F(Exports, BilibiliReencodesAStreamWithKeyframesFurtherApartThanTenSeconds) {
  const json r = score("sparse-keys.mp4", "--preset bilibili -o " + quote(at("sparse-bilibili.mp4")));
  ASSERT_TRUE(r.contains("output"));
  EXPECT_FALSE(r["video_copied"].get<bool>());
  const auto keys = keyframes(at("sparse-bilibili.mp4"));
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LE(keys[i] - keys[i - 1], 10.0);
  EXPECT_LE(14.0 - keys.back(), 10.0);
  expect_platform_file(at("sparse-bilibili.mp4"), *find_export_preset("bilibili"), 14.0, 360, false);
}

TEST_F(Exports, ALongerRecordingIsNotCutButOfferedARangeWhichGetsItsOwnMusic) {
  const auto refused = test::run_cli("score " + quote(at("long.mp4")) + " --preset x -o " + quote(at("long-x.mp4")));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("long.mp4 is 2:30 long; X takes at most 2:20"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--range 0:00-2:20"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(at("long-x.mp4"))) << "nothing cut silently";

  const json part = score("long.mp4", "--preset x --range 1:20-1:50 --mode replace -o " + quote(at("part-x.mp4")));
  ASSERT_TRUE(part.contains("output"));
  EXPECT_NEAR(part["duration_s"].get<double>(), 30.0, 0.05);
  EXPECT_NEAR(part["spec"]["duration_s"].get<double>(), 30.0, 0.05) << "music composed for the range";
  expect_platform_file(at("part-x.mp4"), *find_export_preset("x"), 30.0, 180, false);
  // The range's picture: testsrc2 shows its clock; the first frame is the one at 1:20 of the recording.
  const std::string first = rgb_frame(at("part-x.mp4"), 0, 64, 36), source = rgb_frame(at("long.mp4"), 80, 64, 36),
                    start = rgb_frame(at("long.mp4"), 0, 64, 36);
  auto difference = [](const std::string& a, const std::string& b) {
    double d = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) d += std::abs(static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]));
    return a.empty() ? 255.0 : d / static_cast<double>(a.size());
  };
  EXPECT_LT(difference(first, source), difference(first, start));
  // The music (alone: --mode replace) ends with the range: its last quarter second is quieter than its middle
  // (an ending, not a cut-off).
  const AudioBuffer mix = test::decode(at("part-x.mp4"));
  ASSERT_GT(mix.frames(), static_cast<size_t>(29 * kSampleRate));
  EXPECT_LT(test::rms_db(mix, mix.frames() - kSampleRate / 4, kSampleRate / 4), test::rms_db(mix, mix.frames() / 2, kSampleRate) - 3);
}

TEST_F(Exports, CropKeepsAMovingSubjectInTheFrameAndFitShowsTheWholePicture) {
  const json cropped = score("moving.mp4", "--preset shorts --reframe crop -o " + quote(at("moving-shorts.mp4")));
  ASSERT_TRUE(cropped.contains("reframe"));
  const json& shots = cropped["reframe"]["shots"];
  ASSERT_EQ(shots.size(), 1u);
  EXPECT_TRUE(shots[0]["crop"].get<bool>());
  // The window moves smoothly: never more than a third of the width a second between samples.
  const json& path = shots[0]["path"];
  for (size_t i = 1; i < path.size(); ++i) {
    const double dt = path[i][0].get<double>() - path[i - 1][0].get<double>();
    EXPECT_LE(std::fabs(path[i][1].get<double>() - path[i - 1][1].get<double>()), dt / 3 + 1e-6);
  }
  // The subject (white) is inside the frame in at least 90% of frames: 5 frames a second, at 54x96.
  const std::string frames = test::run("ffmpeg -v error -i " + quote(at("moving-shorts.mp4")) + " -vf fps=5,scale=54:96:flags=area,format=gray -f rawvideo -").out;
  const size_t frame_bytes = 54 * 96;
  ASSERT_GE(frames.size() / frame_bytes, 55u);
  size_t seen = 0, count = frames.size() / frame_bytes;
  for (size_t f = 0; f < count; ++f) {
    int bright = 0;
    for (size_t i = 0; i < frame_bytes; ++i) bright += static_cast<unsigned char>(frames[f * frame_bytes + i]) > 200;
    seen += bright >= 20;  // the square is about 10x10 here
  }
  EXPECT_GE(seen * 10, count * 9) << seen << " of " << count;
  expect_platform_file(at("moving-shorts.mp4"), *find_export_preset("shorts"), 12.0, 720, false);

  // Fit: the whole 16:9 picture in the middle of the 9:16 frame (1080x608 at y 656): all four corner marks show.
  score("wide.mp4", "--preset reels -o " + quote(at("wide-fit.mp4")));
  const std::string frame = rgb_frame(at("wide-fit.mp4"), 2.0, 108, 192);
  ASSERT_EQ(frame.size(), 108u * 192u * 3u);
  auto pixel = [&](int x, int y) {
    const size_t i = (static_cast<size_t>(y) * 108 + x) * 3;
    return std::array<int, 3>{static_cast<unsigned char>(frame[i]), static_cast<unsigned char>(frame[i + 1]), static_cast<unsigned char>(frame[i + 2])};
  };
  // The picture spans x 0..107 and y 65.6..126.4 at this scale; its corner marks are 8 px (96 of 1280) wide.
  const auto red = pixel(2, 68), green = pixel(105, 68), blue = pixel(2, 124), yellow = pixel(105, 124);
  EXPECT_GT(red[0], 180) << "red corner";
  EXPECT_LT(red[1], 80);
  EXPECT_GT(green[1], 180) << "green corner";
  EXPECT_LT(green[0], 80);
  EXPECT_GT(blue[2], 180) << "blue corner";
  EXPECT_LT(blue[0], 80);
  EXPECT_GT(yellow[0], 180) << "yellow corner";
  EXPECT_GT(yellow[1], 180);
  // Above and below it: the blurred, darkened copy, not black bars and not the sharp picture.
  const auto above = pixel(54, 20);
  EXPECT_GT(above[0] + above[1] + above[2], 30) << "a backdrop, not black";
}

}  // namespace
}  // namespace bgm
