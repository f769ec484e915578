// Scoring a recording end to end, checked as an editor would: the length, the video stream untouched, the
// loudness, sections that change on the cuts, the music stepping back under speech, the tracks, bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace bgm {
namespace {

using test::quote;

class Recording : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto d = dir_->path();
    // Speech at 4.0-~6.3 s and 20.0-~22.4 s, silence (with a little room noise) elsewhere.
    run_ok("espeak-ng -w " + quote(d / "s1.wav") + " \"Hello and welcome back to the channel. Let's get started.\"");
    run_ok("espeak-ng -w " + quote(d / "s2.wav") + " \"Today we are building a small robot from spare parts.\"");
    run_ok("ffmpeg -v error -y -f lavfi -i anoisesrc=r=48000:a=0.002:d=40:seed=7 -i " + quote(d / "s1.wav") + " -i " + quote(d / "s2.wav") +
           " -filter_complex \"[1]aresample=48000,adelay=4000|4000[a];[2]aresample=48000,adelay=20000|20000[b];"
           "[0][a][b]amix=inputs=3:duration=first:normalize=0,aformat=channel_layouts=stereo\" " + quote(d / "talk.wav"));
    // Five shots of 8 s: cuts at 8, 16, 24, 32 s. H.264 with B-frames, like OBS's defaults. Every source is the same
    // picture in every run (FFmpeg 7's gradients source is not, whatever its seed): the music follows the video.
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=8 -f lavfi -i smptehdbars=s=320x180:r=30:d=8 "
           "-f lavfi -i mandelbrot=s=320x180:r=30,trim=duration=8,setpts=PTS-STARTPTS -f lavfi -i rgbtestsrc=s=320x180:r=30:d=8 "
           "-f lavfi -i yuvtestsrc=s=320x180:r=30:d=8 -i " + quote(d / "talk.wav") +
           " -filter_complex \"[0][1][2][3][4]concat=n=5:v=1,format=yuv420p[v]\" -map [v] -map 5:a -c:v libx264 -preset ultrafast -bf 2 "
           "-c:a aac -shortest " + quote(d / "talk.mp4"));
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=0.3 -c:v libx264 -preset ultrafast " + quote(d / "short.mp4"));
    { std::ofstream(d / "text.mp4") << "not a video"; }
  }
  static void TearDownTestSuite() { delete dir_; }
  static void run_ok(const std::string& cmd) {
    const auto r = test::run(cmd);
    ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
  }
  static std::filesystem::path at(const std::string& name) { return dir_->path() / name; }

  static nlohmann::json score(const std::string& args) {
    const auto r = test::run_cli("score " + quote(at("talk.mp4")) + " --seed 4 --json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json{};
  }
  static std::string packet_hashes(const std::filesystem::path& file) {
    return test::run("ffmpeg -v error -i " + quote(file) + " -map 0:v -c copy -f framemd5 - | grep -v '^#' | cut -d, -f6").out;
  }
  static double stream_duration(const std::filesystem::path& file, const char* stream) {
    return std::stod(test::run(std::string("ffprobe -v error -select_streams ") + stream + " -show_entries stream=duration -of csv=p=0 " + quote(file)).out);
  }

  static test::TempDir* dir_;
};
test::TempDir* Recording::dir_ = nullptr;

TEST_F(Recording, SameLengthVideoUntouchedAtTargetLoudness) {
  const auto before = test::read_file(at("talk.mp4"));
  const auto j = score("-o " + quote(at("out.mp4")));
  ASSERT_TRUE(j["ok"].get<bool>());
  EXPECT_TRUE(j["video_copied"].get<bool>());
  EXPECT_NEAR(stream_duration(at("out.mp4"), "v:0"), stream_duration(at("talk.mp4"), "v:0"), 1.0 / 30);
  EXPECT_NEAR(stream_duration(at("out.mp4"), "a:0"), 40.0, 1.0 / 30);
  const auto hashes = packet_hashes(at("talk.mp4"));
  EXPECT_GT(std::count(hashes.begin(), hashes.end(), '\n'), 1100);
  EXPECT_EQ(packet_hashes(at("out.mp4")), hashes) << "the video stream is copied bit for bit";
  const auto l = test::ffmpeg_loudness(at("out.mp4"));
  EXPECT_NEAR(l.integrated_lufs, -14.0, 0.5);
  EXPECT_LE(l.true_peak_dbtp, -1.0);
  EXPECT_EQ(test::read_file(at("talk.mp4")), before) << "the recording is never written to";
}

TEST_F(Recording, SectionsChangeOnTheCuts) {
  const auto j = score("-o " + quote(at("sections.mp4")));
  const std::vector<double> cuts = j["analysis"]["cuts"].get<std::vector<double>>();
  ASSERT_EQ(cuts.size(), 4u);
  const double beat = 60.0 / j["spec"]["tempo_bpm"].get<double>();
  int boundaries = 0;
  for (const auto& s : j["sections"]) {
    const double start = s["start_s"].get<double>();
    if (start == 0 || s["name"] == "ending") continue;
    ++boundaries;
    const double nearest = *std::min_element(cuts.begin(), cuts.end(), [&](double a, double b) { return std::fabs(a - start) < std::fabs(b - start); });
    // Sections longer than a phrase are split on bar lines; those boundaries need no cut.
    if (std::fabs(nearest - start) > beat * 1.15) {
      EXPECT_TRUE(s["name"].get<std::string>().rfind("theme", 0) == 0) << start;
    } else {
      EXPECT_LE(std::fabs(nearest - start), beat * 1.15) << "section at " << start << " s";
    }
  }
  EXPECT_GE(boundaries, 3) << "most cuts become section changes";
  int on_cuts = 0;
  for (double c : cuts)
    for (const auto& s : j["sections"]) on_cuts += std::fabs(s["start_s"].get<double>() - c) <= beat * 1.15;
  EXPECT_GE(on_cuts, 3);
}

TEST_F(Recording, MusicStepsBackUnderSpeechAndTheLeadRests) {
  const auto ducked = score("--stems " + quote(at("stems-duck")) + " -o " + quote(at("duck.m4a")));
  const auto flat = score("--duck off --stems " + quote(at("stems-flat")) + " -o " + quote(at("flat.m4a")));
  const auto speech = ducked["speech"];
  ASSERT_EQ(speech.size(), 2u);
  EXPECT_NEAR(speech[0][0].get<double>(), 4.0, 0.3);
  EXPECT_NEAR(speech[1][0].get<double>(), 20.0, 0.3);
  // The same part with and without ducking: 12 dB down inside speech, untouched well away from it. (The same notes
  // either way: the lead rests for the voice whether the music steps back or not.)
  auto stem_named = [&](const char* dir, const char* part) {
    for (const auto& e : std::filesystem::directory_iterator(at(dir)))
      if (e.path().filename().string().find(part) != std::string::npos) return test::decode(e.path());
    ADD_FAILURE() << "no " << part << " stem in " << dir;
    return AudioBuffer{};
  };
  const auto pad_d = stem_named("stems-duck", "pad"), pad_f = stem_named("stems-flat", "pad");
  const auto bass_d = stem_named("stems-duck", "bass"), bass_f = stem_named("stems-flat", "bass");
  const auto sr = static_cast<size_t>(48000);
  for (const auto& span : speech) {
    const auto from = static_cast<size_t>((span[0].get<double>() + 0.3) * sr);
    const auto len = static_cast<size_t>((span[1].get<double>() - span[0].get<double>() - 0.6) * sr);
    EXPECT_NEAR(test::rms_db(bass_d, from, len) - test::rms_db(bass_f, from, len), -12.0, 0.8);
  }
  const size_t away = 13 * sr;  // 13-15 s: no speech nearby
  // Within 0.4 dB: both are mastered to the same loudness.
  EXPECT_NEAR(test::rms_db(pad_d, away, 2 * sr) - test::rms_db(pad_f, away, 2 * sr), 0.0, 0.4);
  for (const char* dir : {"stems-duck", "stems-flat"}) {
    const auto melody = stem_named(dir, "melody");
    for (const auto& span : speech) {
      const auto from = static_cast<size_t>((span[0].get<double>() + 0.8) * sr);
      const auto len = static_cast<size_t>((span[1].get<double>() - span[0].get<double>() - 1.0) * sr);
      EXPECT_LT(test::rms_db(melody, from, len), -50) << dir << ": the lead rests while someone talks";
    }
  }
}

TEST_F(Recording, TracksModesAndTheDefaultName) {
  const auto kept = score("--keep-tracks -o " + quote(at("tracks.mkv")));
  const auto titles = test::run("ffprobe -v error -select_streams a -show_entries stream_tags=title -of csv=p=0 " + quote(at("tracks.mkv"))).out;
  EXPECT_EQ(titles, "Mix\nMusic\nOriginal audio\n");
  const auto replaced = score("--mode replace -o " + quote(at("replace.mp4")));
  EXPECT_NEAR(test::ffmpeg_loudness(at("replace.mp4")).integrated_lufs, -14.0, 0.5);
  const auto r = test::run_cli("score " + quote(at("talk.mp4")) + " --seed 1 -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(at("talk-bgm.mp4"))) << "the default output sits beside the input";
}

TEST_F(Recording, AnalysisFromTheFilterSkipsTheDecodeAndGivesTheSameMusic) {
  const auto analysis = test::run_cli("analyze --json " + quote(at("talk.mp4")));
  ASSERT_EQ(analysis.exit_code, 0);
  { std::ofstream(at("talk.mp4.bgm.json")) << analysis.out; }
  const auto decoded = score("-o " + quote(at("a1.m4a")));
  const auto from_file = score("--analysis " + quote(at("talk.mp4.bgm.json")) + " -o " + quote(at("a2.m4a")));
  EXPECT_EQ(decoded["sections"], from_file["sections"]);
  EXPECT_EQ(test::read_file(at("a1.m4a")), test::read_file(at("a2.m4a")));
}

TEST_F(Recording, SoundOnlyRecordingsAndSilentVideos) {
  // A podcast-style recording: music under the voice, same length, as audio.
  auto r = test::run_cli("score " + quote(at("talk.wav")) + " --seed 2 -q -o " + quote(at("talk-music.m4a")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(test::decoded_samples(at("talk-music.m4a")), 40 * 48000, 1024);
  EXPECT_NEAR(test::ffmpeg_loudness(at("talk-music.m4a")).integrated_lufs, -14.0, 0.5);
  r = test::run_cli("score " + quote(at("talk.wav")) + " -o " + quote(at("talk-music.mp4")));
  EXPECT_EQ(r.exit_code, 2) << "no picture to put in a video file";
  // A screen capture without a sound track: the music alone, at the target.
  run_ok("ffmpeg -v error -y -i " + quote(at("talk.mp4")) + " -an -c:v copy -t 12 " + quote(at("silent.avi")));
  r = test::run_cli("score " + quote(at("silent.avi")) + " --seed 2 -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(at("silent-bgm.mp4"))) << "an AVI is scored into an MP4 by default";
  EXPECT_NEAR(stream_duration(at("silent-bgm.mp4"), "a:0"), stream_duration(at("silent.avi"), "v:0"), 1.0 / 30);
  EXPECT_NEAR(test::ffmpeg_loudness(at("silent-bgm.mp4")).integrated_lufs, -14.0, 0.5);
  EXPECT_EQ(packet_hashes(at("silent-bgm.mp4")), packet_hashes(at("silent.avi")));
}

TEST_F(Recording, StillPicturesBecomeVideosOfTheAskedLength) {
  for (const char* ext : {"jpg", "png", "gif", "webp"}) {
    const auto picture = at(std::string("poster.") + ext);
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=640x360:d=1 -frames:v 1 " + quote(picture));
    const auto r = test::run_cli("score " + quote(picture) + " --duration 9 --seed 1 -q");
    ASSERT_EQ(r.exit_code, 0) << ext << ": " << r.err;
    const auto out = at("poster-bgm.mp4");
    EXPECT_NEAR(stream_duration(out, "v:0"), 9.0, 1.0 / 30) << ext;
    EXPECT_NEAR(stream_duration(out, "a:0"), 9.0, 1.0 / 30) << ext;
    EXPECT_NEAR(test::ffmpeg_loudness(out).integrated_lufs, -14.0, 0.5) << ext;
    std::filesystem::remove(out);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir_->path()))
    EXPECT_EQ(e.path().filename().string().find(".still."), std::string::npos) << "no temporary file is left";
}

TEST_F(Recording, AFullDiskIsAClearErrorAndLeavesNothing) {
  const auto small = at("small-disk");
  test::SmallDisk disk(small, "300k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): the full-disk path is untested on this machine";
  const auto r = test::run_cli("score " + quote(at("talk.mp4")) + " --seed 1 -o " + quote(small / "out.mp4"));
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("disk is full"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(small)) << "no partial file is left";
}

TEST_F(Recording, ReencodesOnlyWhenItMust) {
  // The centre of a frame as 64x36 grey levels.
  auto centre = [&](const std::filesystem::path& file, double t) {
    return test::run("ffmpeg -v error -ss " + std::to_string(t) + " -i " + quote(file) +
                     " -frames:v 1 -vf crop=iw/2:ih/3,scale=64:36,format=gray -f rawvideo -").out;
  };
  auto difference = [](const std::string& a, const std::string& b) {
    double d = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) d += std::abs(static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]));
    return a.empty() ? 255.0 : d / static_cast<double>(a.size());
  };
  const auto titled = score("--title " + quote("Urban Dreams") + " --max-height 144 -o " + quote(at("titled.mp4")));
  EXPECT_FALSE(titled["video_copied"].get<bool>());
  EXPECT_TRUE(titled["video_reencoded"].get<bool>());
  const auto size = test::run("ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 " + quote(at("titled.mp4"))).out;
  EXPECT_EQ(size, "h264,256,144\n");
  EXPECT_NEAR(stream_duration(at("titled.mp4"), "v:0"), stream_duration(at("talk.mp4"), "v:0"), 1.0 / 30);
  EXPECT_GT(difference(centre(at("titled.mp4"), 1.5), centre(at("talk.mp4"), 1.5)), 12) << "the title is drawn";
  EXPECT_LT(difference(centre(at("titled.mp4"), 5.5), centre(at("talk.mp4"), 5.5)), 8) << "and gone after its 3 seconds";

  const auto taller = score("--max-height 1080 -o " + quote(at("same.mp4")));
  EXPECT_TRUE(taller["video_copied"].get<bool>()) << "never scaled up, so nothing to re-encode";

  const auto webm = score("-o " + quote(at("talk.webm")));
  EXPECT_TRUE(webm["video_reencoded"].get<bool>()) << "WebM cannot hold H.264";
  const auto codecs = test::run("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 " + quote(at("talk.webm"))).out;
  EXPECT_EQ(codecs, "vp9\nopus\n");
  EXPECT_NEAR(test::ffmpeg_loudness(at("talk.webm")).integrated_lufs, -14.0, 0.5);
  for (const auto& e : std::filesystem::directory_iterator(dir_->path()))
    EXPECT_EQ(e.path().filename().string().find(".video.mkv"), std::string::npos) << "no temporary file is left";
}

TEST_F(Recording, FourKSourcesAreScoredAndCopied) {
  run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=3840x2160:r=30:d=2 -f lavfi -i smptehdbars=s=3840x2160:r=30:d=2 "
         "-f lavfi -i sine=f=330:r=48000:d=4 -filter_complex \"[0][1]concat=n=2:v=1,format=yuv420p[v]\" -map [v] -map 2:a "
         "-c:v libx264 -preset ultrafast -c:a aac " + quote(at("uhd.mp4")));
  const auto r = test::run_cli("score " + quote(at("uhd.mp4")) + " --seed 1 --json -o " + quote(at("uhd-bgm.mp4")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["analysis"]["video"]["width"], 3840);
  EXPECT_EQ(j["analysis"]["cuts"].size(), 1u);
  EXPECT_NEAR(j["analysis"]["cuts"][0].get<double>(), 2.0, 2.0 / 30);
  EXPECT_TRUE(j["video_copied"].get<bool>());
  EXPECT_EQ(packet_hashes(at("uhd-bgm.mp4")), packet_hashes(at("uhd.mp4")));
  EXPECT_NEAR(stream_duration(at("uhd-bgm.mp4"), "a:0"), 4.0, 1.0 / 30);
}

TEST_F(Recording, InterruptingAScoreLeavesNothing) {
  const auto dir = at("interrupted");
  std::filesystem::create_directories(dir);
  // Interrupted while it analyses or renders (a 40 s recording takes a few seconds to score).
  const auto r = test::run("timeout --preserve-status -s INT 0.7 " + quote(OBS_BGM_CLI_PATH) + " score " + quote(at("talk.mp4")) +
                           " --title Hello -o " + quote(dir / "out.mp4"));
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "no partial or temporary file";
}

TEST_F(Recording, BadInputsFailClearlyAndLeaveNothing) {
  auto r = test::run_cli("score " + quote(at("short.mp4")) + " -o " + quote(at("x.mp4")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("too short"), std::string::npos) << r.err;
  r = test::run_cli("score " + quote(at("text.mp4")) + " -o " + quote(at("x.mp4")));
  EXPECT_EQ(r.exit_code, 6);
  r = test::run_cli("score " + quote(at("talk.mp4")) + " -o " + quote(at("talk.mp4")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("replace the recording itself"), std::string::npos);
  r = test::run_cli("score " + quote(at("talk.mp4")) + " --max-height 20 -o " + quote(at("x.mp4")));
  EXPECT_EQ(r.exit_code, 2) << "an impossible height is a usage error";
  EXPECT_FALSE(std::filesystem::exists(at("x.mp4")));
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// Speech spans (start, end) that `obs-bgm score` found in an audio file.
std::vector<std::pair<double, double>> speech_in(const std::filesystem::path& file, const std::filesystem::path& out) {
  const auto r = test::run_cli("score " + test::quote(file) + " --seed 1 --json -o " + test::quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::pair<double, double>> spans;
  if (r.exit_code != 0) return spans;
  const auto result = nlohmann::json::parse(r.out);  // kept: the loop reads into it
  for (const auto& s : result["speech"]) spans.emplace_back(s[0].get<double>(), s[1].get<double>());
  return spans;
}

TEST(Speech, AVoiceOverGameMusicIsFoundAndTheMusicAloneIsNot) {
  // A lively electronic track (as a game's soundtrack would be) with someone talking over it at 5 s and 18 s.
  test::TempDir dir;
  ASSERT_EQ(test::run_cli("generate --style electronic --seed 3 -d 30 -q -o " + test::quote(dir / "game.wav")).exit_code, 0);
  test::run("espeak-ng -w " + test::quote(dir / "a.wav") + " \"Hello and welcome back to the channel. Let's get started.\"");
  test::run("espeak-ng -w " + test::quote(dir / "b.wav") + " \"Today we are building a small robot from spare parts.\"");
  const auto mixed = test::run("ffmpeg -v error -y -i " + test::quote(dir / "game.wav") + " -i " + test::quote(dir / "a.wav") + " -i " +
                               test::quote(dir / "b.wav") +
                               " -filter_complex \"[0]volume=-6dB[m];[1]aresample=48000,adelay=5000|5000[a];[2]aresample=48000,adelay=18000|18000[b];"
                               "[m][a][b]amix=inputs=3:duration=first:normalize=0\" " + test::quote(dir / "talk-over-game.wav"));
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;

  double in_talk = 0, elsewhere = 0;
  const auto found = speech_in(dir / "talk-over-game.wav", dir / "o1.m4a");
  std::string listed;
  for (const auto& [a, b] : found) listed += std::to_string(a) + "-" + std::to_string(b) + " ";
  for (const auto& [a, b] : found) {
    const double talk = std::max(0.0, std::min(b, 8.6) - std::max(a, 4.8)) + std::max(0.0, std::min(b, 21.0) - std::max(a, 17.8));
    in_talk += talk;
    elsewhere += (b - a) - talk;
  }
  EXPECT_GT(in_talk, 0.7 * (3.5 + 2.9)) << "most of what is said is found: " << listed;
  EXPECT_LT(elsewhere, 1.0) << "the music alone is not taken for speech: " << listed;

  double music_only = 0;
  for (const auto& [a, b] : speech_in(dir / "game.wav", dir / "o2.m4a")) music_only += b - a;
  // Before the pitch test the music alone read as 18 s of "speech" in these 30 s; a stray syllable-like phrase
  // may still pass.
  EXPECT_LT(music_only, 3.0) << "a melody's notes hold their pitch; a voice glides";
}

}  // namespace
}  // namespace bgm
