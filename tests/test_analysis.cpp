// Video analysis on clips made by FFmpeg with known content: cuts at known times, fades and camera motion that
// are not cuts, damaged files, and every bad input a user can hand us.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "analysis/analysis.h"
#include "analysis/cut_detector.h"
#include "media/media_probe.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using test::quote;

class Clips : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    // Seven shots; a fade through black at 11 s and a 3 s pan (6-9 s) that are not cuts.
    make("cuts.mp4",
         "-f lavfi -i testsrc2=s=320x180:r=30:d=2 -f lavfi -i smptehdbars=s=320x180:r=30:d=1.5 "
         "-f lavfi -i mandelbrot=s=320x180:r=30,trim=duration=2.5,setpts=PTS-STARTPTS "
         "-f lavfi -i \"testsrc2=s=1280x720:r=30:d=3,crop=320:180:x='t*250':y='100+t*40'\" "
         "-f lavfi -i color=c=gray:s=320x180:r=30:d=2,format=yuv420p,geq=lum='128+90*sin(X/30+T)':cb='128+40*sin(Y/25-T/2)':cr=128 "
         "-f lavfi -i life=s=320x180:r=30:mold=10:ratio=0.2:seed=7:life_color=#30c050:death_color=#602020,trim=duration=2,setpts=PTS-STARTPTS "
         "-f lavfi -i rgbtestsrc=s=320x180:r=30:d=1.5 "
         "-filter_complex \"[4]fade=t=out:st=1.4:d=0.6[g];[5]fade=t=in:st=0:d=0.6[l];[0][1][2][3][g][l][6]concat=n=7:v=1,format=yuv420p[v]\" "
         "-map [v] -c:v libx264 -preset veryfast -bf 2");
    // Vertical, cut between framings of the same scene every 1.2 s: harder (similar colours on both sides).
    make("vertical.mp4",
         "-f lavfi -i testsrc2=s=1080x1920:r=30:d=6 -vf \"crop=360:640:x='if(lt(mod(t,2.4),1.2),0,700)':y='if(lt(mod(t,2.4),1.2),0,1200)',format=yuv420p\" "
         "-c:v libx264 -preset ultrafast -bf 2");
    // No cuts at all: a pan, a zoom and a third shot, each joined to the next by a fade through black.
    make("nocuts.mp4",
         "-f lavfi -i \"testsrc2=s=1280x720:r=30:d=3,crop=320:180:x='t*300':y=200,fade=t=out:st=2:d=1\" "
         "-f lavfi -i \"mandelbrot=s=320x180:r=30,trim=duration=3,setpts=PTS-STARTPTS,fade=t=in:st=0:d=1,fade=t=out:st=2:d=1\" "
         "-f lavfi -i \"testsrc2=s=320x180:r=30:d=2,fade=t=in:st=0:d=1\" "
         "-filter_complex \"[0][1][2]concat=n=3:v=1,format=yuv420p[v]\" -map [v] -c:v libx264 -preset veryfast");
    make("bright.mp4",
         "-f lavfi -i testsrc2=s=320x180:r=30:d=4 -vf \"eq=brightness=0.15:saturation=1.5,format=yuv420p\" -c:v libx264 -preset ultrafast");
    make("dark.mp4", "-f lavfi -i color=c=0x101420:s=320x180:r=30:d=4 -vf format=yuv420p -c:v libx264 -preset ultrafast");
    make("clip.mkv", "-f lavfi -i testsrc2=s=320x180:r=30:d=10 -c:v libx264 -preset ultrafast -g 30");
    make("still.png", "-f lavfi -i testsrc2=s=320x180:d=1 -frames:v 1");
    { std::ofstream(dir_->path() / "sub.srt") << "1\n00:00:00,000 --> 00:00:01,000\nhello\n"; }
    make("subtitles-only.mkv", "-i " + quote(dir_->path() / "sub.srt"));
    { std::ofstream(dir_->path() / "empty.mp4"); }
    { std::ofstream(dir_->path() / "text.mp4") << "this is a text file, not a video\n"; }
    { std::ofstream(dir_->path() / "notes.txt") << "hello"; }
  }
  static void TearDownTestSuite() { delete dir_; }

  static void make(const std::string& name, const std::string& args) {
    const auto r = test::run("ffmpeg -v error -y " + args + " " + quote(dir_->path() / name));
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
  static std::filesystem::path clip(const std::string& name) { return dir_->path() / name; }

  static VideoAnalysis analyse(const std::string& name) {
    auto a = analyse_video(clip(name), {}, nullptr, {});
    EXPECT_TRUE(a) << (a ? "" : a.error().message);
    return a ? std::move(a).value() : VideoAnalysis{};
  }

  // Precision and recall of detected cuts against the truth, a match being within `tolerance` seconds.
  static std::pair<double, double> score(const std::vector<double>& found, const std::vector<double>& truth, double tolerance) {
    size_t hits = 0;
    for (double t : truth)
      hits += std::any_of(found.begin(), found.end(), [&](double f) { return std::fabs(f - t) <= tolerance; });
    size_t right = 0;
    for (double f : found)
      right += std::any_of(truth.begin(), truth.end(), [&](double t) { return std::fabs(f - t) <= tolerance; });
    return {found.empty() ? 1.0 : static_cast<double>(right) / found.size(), truth.empty() ? 1.0 : static_cast<double>(hits) / truth.size()};
  }

  static test::TempDir* dir_;
};
test::TempDir* Clips::dir_ = nullptr;

TEST_F(Clips, FindsCutsWithinTwoFrames) {
  const auto a = analyse("cuts.mp4");
  EXPECT_NEAR(a.duration_s, 14.5, 1.0 / 30);
  const auto [precision, recall] = score(a.cuts, {2.0, 3.5, 6.0, 9.0, 13.0}, 2.0 / 30);
  EXPECT_GE(precision, 0.9);
  EXPECT_GE(recall, 0.9);

  const auto v = analyse("vertical.mp4");
  EXPECT_EQ(v.width, 360);
  EXPECT_EQ(v.height, 640);
  const auto [vp, vr] = score(v.cuts, {1.2, 2.4, 3.6, 4.8}, 2.0 / 30);
  EXPECT_GE(vp, 0.9) << ::testing::PrintToString(v.cuts);
  EXPECT_GE(vr, 0.9) << ::testing::PrintToString(v.cuts);
}

TEST_F(Clips, FadesAndCameraMotionAreNotCuts) {
  const auto a = analyse("nocuts.mp4");
  EXPECT_TRUE(a.cuts.empty()) << ::testing::PrintToString(a.cuts);
  EXPECT_GT(a.mood.motion, 0.1) << "the pan is motion";
}

TEST_F(Clips, MoodFollowsThePicture) {
  const auto bright = analyse("bright.mp4");
  const auto dark = analyse("dark.mp4");
  EXPECT_GT(bright.mood.brightness, dark.mood.brightness + 0.3);
  EXPECT_GT(bright.mood.saturation, dark.mood.saturation + 0.2);
  EXPECT_GT(bright.mood.valence, dark.mood.valence + 0.3);
  EXPECT_GT(bright.mood.energy, dark.mood.energy + 0.1);
  EXPECT_LT(dark.mood.motion, 0.02) << "a still picture does not move";
  EXPECT_EQ(bright.brightness.size(), 8u) << "a curve point every 0.5 s";
}

TEST_F(Clips, ATruncatedRecordingIsAnalysedUpToWhereItEnds) {
  const auto full = clip("clip.mkv");
  const auto cut = clip("truncated.mkv");
  const auto size = std::filesystem::file_size(full);
  std::filesystem::copy_file(full, cut, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(cut, size * 6 / 10);
  auto info = probe_media(cut);
  ASSERT_TRUE(info) << info.error().message;
  const auto a = analyse("truncated.mkv");
  EXPECT_GT(a.duration_s, 3.0);
  EXPECT_LT(a.duration_s, 7.5);
}

TEST_F(Clips, BadInputsAreClearErrors) {
  const auto& d = clip("");
  struct Case { std::filesystem::path path; ErrorCode code; const char* says; };
  const Case cases[] = {
      {d / "missing.mp4", ErrorCode::kNotFound, "No such file"},
      {d, ErrorCode::kNotFound, "is a folder"},
      {d / "empty.mp4", ErrorCode::kMedia, "is empty (0 bytes)"},
      {d / "text.mp4", ErrorCode::kMedia, "may be damaged or misnamed"},
      {d / "notes.txt", ErrorCode::kUnsupported, "mp4, mov, avi, webm, mkv"},
      {clip("subtitles-only.mkv"), ErrorCode::kMedia, "no video or audio stream"},
      {d / "unfinished.mp4", ErrorCode::kMedia, "Record in MKV"},
  };
  ASSERT_TRUE(std::filesystem::copy_file(clip("cuts.mp4"), d / "unfinished.mp4", std::filesystem::copy_options::overwrite_existing));
  std::filesystem::resize_file(d / "unfinished.mp4", std::filesystem::file_size(d / "unfinished.mp4") / 2);  // OBS stopped mid-write
  for (const auto& c : cases) {
    auto r = probe_media(c.path);
    ASSERT_FALSE(r) << c.path;
    EXPECT_EQ(r.error().code, c.code) << c.path;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
  auto still = probe_media(clip("still.png"));
  ASSERT_TRUE(still);
  EXPECT_EQ(still->kind, MediaKind::kImage);
}

TEST_F(Clips, AnUnreadableFileSaysSo) {
  // Permissions do not stop root, so as root the tool runs as "nobody" (setpriv), as a user would.
  test::TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  const auto locked = dir / "locked.mp4";
  std::filesystem::copy_file(clip("cuts.mp4"), locked);
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  const std::string as_user = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const auto r = test::run(as_user + test::quote(test::cli_path()) + " score " + quote(locked));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("permission denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Check the file's permissions"), std::string::npos) << r.err;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "nothing is written beside it";
}

TEST_F(Clips, AnalyzeCommandPrintsTheDocumentedJson) {
  const auto r = test::run_cli("analyze --json " + quote(clip("cuts.mp4")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format"], "obs-bgm-analysis");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["cuts"].size(), 5u);
  EXPECT_EQ(j["curves"]["interval_s"], 0.5);
  // What the CLI prints reads back as the same analysis.
  auto back = analysis_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->cuts.size(), 5u);
  EXPECT_NEAR(back->duration_s, 14.5, 0.01);
  EXPECT_EQ(back->motion.size(), j["curves"]["motion"].size());

  EXPECT_EQ(test::run_cli("analyze " + quote(clip("empty.mp4"))).exit_code, 6);
  EXPECT_EQ(test::run_cli("analyze " + quote(clip("nothing-here.mp4"))).exit_code, 3);
  EXPECT_EQ(test::run_cli("analyze " + quote(clip("notes.txt"))).exit_code, 2);
  const auto human = test::run_cli("analyze " + quote(clip("cuts.mp4")));
  EXPECT_NE(human.out.find("Cuts (5): 2.00 3.50 6.00 9.00 13.00"), std::string::npos) << human.out;
}

TEST(AnalysisJson, RejectsDocumentsItCannotTrust) {
  nlohmann::json good = {{"format", "obs-bgm-analysis"}, {"version", 1}, {"duration_s", 10.0}, {"cuts", {2.0, 5.5}}, {"scene_switches", {4.0}}};
  auto a = analysis_from_json(good);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->scene_switches, std::vector<double>{4.0});
  auto newer = good;
  newer["version"] = 99;
  EXPECT_NE(analysis_from_json(newer).error().message.find("update obs-bgm"), std::string::npos);
  auto outside = good;
  outside["cuts"] = {2.0, 12.0};
  EXPECT_NE(analysis_from_json(outside).error().message.find("outside the recording"), std::string::npos);
  EXPECT_FALSE(analysis_from_json(nlohmann::json{{"format", "something else"}}));
  auto no_length = good;
  no_length.erase("duration_s");
  EXPECT_FALSE(analysis_from_json(no_length));
}

}  // namespace
}  // namespace bgm
