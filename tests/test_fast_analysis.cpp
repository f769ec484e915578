// The faster decode held to the full one: recordings made like OBS's (x264 at its defaults, a fixed GOP without
// scene-cut detection as NVENC without look-ahead, CBR, no B-frames, HEVC with B-pyramids, a variable frame rate,
// ProRes, AV1), made by FFmpeg's own encoders from one master with hard cuts, a zoom, grain, a pan and a fade
// through black. The analysis that leaves pictures out must find the cuts a decode of every picture finds, on the
// same frame, add none that are not cuts, and read the same picture (brightness, colour, motion) within a stated
// tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "analysis/analysis.h"
#include "media/packet_scan.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using test::quote;

constexpr double kFrame = 1.0 / 30;
// The master's shots: hard cuts at these times (frame-aligned at 30 fps); the fade through black at 25.5-27.5 s,
// the zoom (4.3-9.1 s), the drifting bands (18.2-22.5 s) and the pan (30.4 s on) are not cuts. Every source is
// seeded or deterministic: the same master each time.
const std::vector<double> kTrueCuts = {4.3, 9.1, 13.7, 18.2, 22.5, 30.4};

struct Encoding {
  const char* file;
  const char* args;
};
const Encoding kEncodings[] = {
    {"x264-obs-default.mp4", "-c:v libx264 -preset veryfast -g 250 -bf 2 -crf 23"},
    {"fixed-gop.mp4", "-c:v libx264 -preset veryfast -g 60 -bf 2 -crf 23 -x264-params scenecut=0"},
    {"cbr.mp4", "-c:v libx264 -preset veryfast -g 60 -bf 2 -b:v 600k -maxrate 600k -bufsize 600k -x264-params scenecut=0:nal-hrd=cbr"},
    {"no-b-frames.mkv", "-c:v libx264 -preset veryfast -g 250 -bf 0 -crf 23"},
    {"hevc.mp4", "-c:v libx265 -preset fast -crf 26 -x265-params log-level=error"},
    {"vfr.mkv", "-vf select='not(between(mod(n\\,40)\\,10\\,13))' -fps_mode vfr -c:v libx264 -preset veryfast -crf 23"},
    {"prores.mov", "-c:v prores_ks -profile:v 0"},
    {"av1.mkv", "-c:v libsvtav1 -preset 12 -g 120"},
};

class FastAnalysis : public ::testing::TestWithParam<Encoding> {
 protected:
  // The master and its encodings are made once for the suite (about half a minute) and kept in the build tree.
  static void SetUpTestSuite() {
    const std::string s = "320x180";
    const std::string master_args =
        "-f lavfi -i testsrc2=s=" + s + ":r=30:d=4.3 "
        "-f lavfi -i mandelbrot=s=" + s + ":r=30:end_scale=0.3:end_pts=50,trim=duration=4.8 "
        "-f lavfi -i cellauto=s=" + s + ":r=30:rule=110:seed=7,trim=duration=4.6 "
        "-f lavfi -i smptehdbars=s=" + s + ":r=30:d=4.5,noise=alls=25:allf=t:all_seed=7 "
        "-f lavfi -i color=c=gray:s=" + s + ":r=30:d=4.3,format=yuv420p,geq=lum='128+90*sin(X/30+T)':cb='128+40*sin(Y/25-T/2)':cr=128 "
        "-f lavfi -i testsrc=s=" + s + ":r=30:d=4,fade=t=out:st=3:d=1 "
        "-f lavfi -i mandelbrot=s=" + s + ":r=30:start_x=-0.74:start_y=0.15:end_scale=0.5:end_pts=30,trim=duration=3.9,setpts=PTS-STARTPTS,fade=t=in:st=0:d=1 "
        "-f lavfi -i \"testsrc=s=640x360:r=30:d=5,crop=320:180:x='t*50':y=50\" "
        "-filter_complex \"[0][1][2][3][4][5][6][7]concat=n=8:v=1:a=0,format=yuv420p[v]\" -map \"[v]\" -c:v ffv1 ";
    std::string recipe = "fast-analysis\n" + master_args;
    for (const Encoding& e : kEncodings) recipe += std::string("\n") + e.file + " " + e.args;
    dir_ = test::cached_media(recipe, [&](const std::filesystem::path& dir) {
      const auto master = dir / "master.mkv";
      const auto made = test::run("ffmpeg -v error -y " + master_args + quote(master));
      if (made.exit_code != 0) return ADD_FAILURE() << made.err, false;
      for (const Encoding& e : kEncodings) {
        const auto r = test::run("ffmpeg -v error -y -i " + quote(master) + " " + e.args + " " + quote(dir / e.file));
        if (r.exit_code != 0) return ADD_FAILURE() << e.file << ": " << r.err, false;
      }
      std::filesystem::remove(master);
      return true;
    });
    ASSERT_FALSE(dir_.empty());
  }
  static std::filesystem::path clip(const char* name) { return dir_ / name; }

  static VideoAnalysis analyse(const std::filesystem::path& path, bool every_frame) {
    FeatureOptions options;
    options.every_frame = every_frame;
    auto a = analyse_video(path, options, nullptr, {});
    EXPECT_TRUE(a) << (a ? "" : a.error().message);
    return a ? std::move(a).value() : VideoAnalysis{};
  }
  static bool near_one_of(double t, const std::vector<double>& times, double tolerance) {
    return std::any_of(times.begin(), times.end(), [&](double x) { return std::fabs(x - t) <= tolerance; });
  }
  static inline std::filesystem::path dir_;
};

TEST_P(FastAnalysis, FindsTheCutsAFullDecodeFindsOnTheirFramesAndNoOthers) {
  const auto path = clip(GetParam().file);
  const VideoAnalysis full = analyse(path, true);
  const VideoAnalysis fast = analyse(path, false);
  EXPECT_EQ(full.decoding, "every picture");
  ASSERT_GE(full.cuts.size(), 4u) << "the full decode is the reference: it must find most of the cuts";
  // Every cut the full decode finds, on the same frame.
  for (double c : full.cuts) EXPECT_TRUE(near_one_of(c, fast.cuts, 0.5 * kFrame)) << GetParam().file << ": the cut at " << c << " s";
  // Nothing that is not a cut (the zoom, the grain, the pan, the fade); a true cut the full decode missed may be
  // found, on the first picture of its new shot (the variable-frame-rate file drops the cut's own frame at 13.7 s).
  const auto scan = scan_video_packets(path, 3600, nullptr);
  ASSERT_TRUE(scan);
  std::vector<double> shown_cuts;
  for (double cut : kTrueCuts) {
    const auto first = std::find_if(scan->pictures.begin(), scan->pictures.end(), [&](const PacketPicture& p) { return p.t >= cut - 0.5 * kFrame; });
    if (first != scan->pictures.end()) shown_cuts.push_back(first->t);
  }
  for (double c : fast.cuts) {
    EXPECT_TRUE(near_one_of(c, full.cuts, 0.5 * kFrame) || near_one_of(c, shown_cuts, 0.5 * kFrame))
        << GetParam().file << ": " << c << " s is not a cut";
  }
  EXPECT_EQ(fast.duration_s, full.duration_s);
}

TEST_P(FastAnalysis, ReadsThePictureAsAFullDecodeDoesWithinTheStatedTolerance) {
  const auto path = clip(GetParam().file);
  const VideoAnalysis full = analyse(path, true);
  const VideoAnalysis fast = analyse(path, false);
  auto mean_abs = [](const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) s += std::fabs(a[i] - b[i]);
    return n ? s / static_cast<double>(n) : 1.0;
  };
  // Brightness and colour are read from the same pictures: equal up to the pictures left out.
  EXPECT_LE(mean_abs(fast.brightness, full.brightness), 0.01);
  EXPECT_LE(mean_abs(fast.warmth, full.warmth), 0.02);
  EXPECT_LE(mean_abs(fast.saturation, full.saturation), 0.01);
  // Motion is estimated at one frame from pictures several frames apart: within 0.13 per half second on this
  // deliberately hard master (a zoom at full speed, grain, a cellular automaton that changes every frame), and
  // the recording's mood, which chooses the music, within 0.06 (motion) and 0.05 (energy).
  EXPECT_LE(mean_abs(fast.motion, full.motion), 0.13);
  EXPECT_NEAR(fast.mood.motion, full.mood.motion, 0.06);
  EXPECT_NEAR(fast.mood.energy, full.mood.energy, 0.05);
  EXPECT_NEAR(fast.mood.valence, full.mood.valence, 0.02);
}

INSTANTIATE_TEST_SUITE_P(RecordingsLikeObs, FastAnalysis, ::testing::ValuesIn(kEncodings), [](const auto& info) {
  std::string name = info.param.file;
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
});

TEST_F(FastAnalysis, LeavesOutTheBidirectionalPicturesOfX264AndOnlyTheUnreferencedOnesOfHevcWithPyramids) {
  // AV1: FFmpeg 7's libdav1d would skip its unreferenced pictures, but not picture by picture: all are decoded.
  FeatureOptions every_av1;
  const auto av1 = extract_video_features(clip("av1.mkv"), every_av1, nullptr, {});
  ASSERT_TRUE(av1);
  EXPECT_EQ(av1->decoding, "every picture");
  const auto x264 = scan_video_packets(clip("x264-obs-default.mp4"), 3600, nullptr);
  ASSERT_TRUE(x264);
  EXPECT_TRUE(x264->types_known);
  EXPECT_TRUE(x264->has_bidir);
  FeatureOptions options;
  const auto fast = extract_video_features(clip("x264-obs-default.mp4"), options, nullptr, {});
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->decoding, "intra and predicted pictures");
  EXPECT_LT(fast->frames.size(), x264->pictures.size() * 2 / 3) << "decoded " << fast->frames.size() << " of " << x264->pictures.size();
  // x265 predicts pictures from its reference B-pictures: leaving them out would change the pictures kept.
  const auto hevc = extract_video_features(clip("hevc.mp4"), options, nullptr, {});
  ASSERT_TRUE(hevc);
  EXPECT_EQ(hevc->decoding, "reference pictures");
  const auto prores = extract_video_features(clip("prores.mov"), options, nullptr, {});
  ASSERT_TRUE(prores);
  EXPECT_EQ(prores->decoding, "every picture");  // intra only: nothing to leave out
}

TEST_F(FastAnalysis, ACancelStopsBothStretchesWithinASecond) {
  test::TempDir dir;
  const auto longer = dir / "long.mp4";
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=120 -c:v libx264 -preset ultrafast -g 250 -bf 2 " + quote(longer)).exit_code, 0);
  CancelToken cancel;
  std::chrono::steady_clock::time_point asked;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    asked = std::chrono::steady_clock::now();
    cancel.request_cancel();
  });
  const auto r = extract_video_features(longer, {}, &cancel, {});
  const auto stopped = std::chrono::steady_clock::now();
  canceller.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_LT(std::chrono::duration<double>(stopped - asked).count(), 1.0);
}

}  // namespace
}  // namespace bgm
