// The statement with every render (issue 11): what was measured, how the music meets the cuts, how a loop joins,
// and what the music is made from, in --json and in the files' own metadata, checked with FFmpeg's tools.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "support/test_support.h"
#include "synth/soundfont_info.h"

namespace bgm {
namespace {

using test::quote;
using test::run;
using test::run_cli;

// A container's (format-level) tags as ffprobe reads them.
nlohmann::json tags_of(const std::filesystem::path& file) {
  const auto r = run("ffprobe -v error -show_entries format_tags -of json " + quote(file));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_object() && j.contains("format") && j["format"].contains("tags") ? j["format"]["tags"] : nlohmann::json::object();
}

std::string tag(const nlohmann::json& tags, const std::string& key) {
  for (const auto& [k, v] : tags.items())
    if (ascii_lower(k) == key) return v.get<std::string>();
  return "";
}

TEST(Statement, GenerateSaysWhatItMeasuredAndWhatTheMusicIsMadeOf) {
  test::TempDir dir;
  for (const char* ext : {"wav", "flac", "m4a", "mp3"}) {
    const auto out = dir / (std::string("piece.") + ext);
    const auto r = run_cli("generate --style lofi -d 12 --seed 2 --json -q -o " + quote(out));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto st = nlohmann::json::parse(r.out)["statement"];
    const auto measured = test::ffmpeg_loudness(out);  // FFmpeg's meter on the file, not ours
    EXPECT_NEAR(st["integrated_lufs"].get<double>(), -14.0, 0.2) << ext;
    EXPECT_NEAR(st["integrated_lufs"].get<double>(), measured.integrated_lufs, 0.5) << ext << ": the statement agrees with FFmpeg";
    EXPECT_LE(st["true_peak_dbtp"].get<double>(), -1.0) << ext;
    EXPECT_NEAR(st["true_peak_dbtp"].get<double>(), measured.true_peak_dbtp, ext == std::string("wav") || ext == std::string("flac") ? 0.3 : 1.2) << ext;
    EXPECT_EQ(st["soundfont"]["licence"], "MIT") << ext;
    EXPECT_EQ(st["soundfont"]["name"], "Fluid R3 GM") << ext;
    EXPECT_TRUE(st["cuts"].empty()) << "music from text has no cuts";
    EXPECT_TRUE(st["loop_seam"].is_null());
    // The file carries the licence itself, so a creator can answer a copyright claim with the file alone.
    const std::string copyright = tag(tags_of(out), "copyright");
    EXPECT_NE(copyright.find("composed by obs-bgm, free to use"), std::string::npos) << ext << ": " << tags_of(out).dump();
    EXPECT_NE(copyright.find("MIT"), std::string::npos) << ext;
  }
  // People read it too.
  const auto plain = run_cli("generate --style piano -d 8 --seed 1 -o " + quote(dir / "plain.wav"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("Measured -14.0 LUFS"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("Fluid R3 GM SoundFont (MIT licence)"), std::string::npos) << plain.out;
}

TEST(Statement, ALoopsSeamIsMeasured) {
  test::TempDir dir;
  const auto r = run_cli("generate --style lofi -d 16 --seed 4 --loop --json -q -o " + quote(dir / "loop.wav"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto seam = nlohmann::json::parse(r.out)["statement"]["loop_seam"];
  ASSERT_TRUE(seam.is_object());
  EXPECT_LT(std::fabs(seam["level_jump_db"].get<double>()), 6.0) << "the end runs into the start at the same level";
  EXPECT_LT(seam["step"].get<double>(), 2.0) << "no click: the step across the seam is like the steps around it";
}

TEST(Statement, ScoringAVideoRelatesEveryCutToTheMusicAndTagsTheFile) {
  test::TempDir dir;
  // Three shots of 6 s: cuts at 6 and 12 s. (Whether each becomes a section change is test_score's business; the
  // statement must say truthfully how far each is.)
  ASSERT_EQ(run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=6 -f lavfi -i smptehdbars=s=320x180:r=30:d=6 "
                "-f lavfi -i rgbtestsrc=s=320x180:r=30:d=6 -filter_complex \"[0][1][2]concat=n=3:v=1:a=0\" -c:v libx264 -preset ultrafast " +
                quote(dir / "shots.mp4"))
                .exit_code,
            0);
  const auto out = dir / "scored.mp4";
  const auto r = run_cli("score " + quote(dir / "shots.mp4") + " --seed 1 --json -o " + quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& st = j["statement"];
  ASSERT_EQ(st["cuts"].size(), j["analysis"]["cuts"].size() + j["analysis"]["scene_switches"].size());
  ASSERT_GE(st["cuts"].size(), 2u);
  for (const auto& c : st["cuts"]) {
    // Each distance is what the sections and bar lines of the JSON say.
    double to_section = 1e9;
    for (const auto& s : j["sections"]) to_section = std::min(to_section, std::fabs(s["start_s"].get<double>() - c["at_s"].get<double>()));
    EXPECT_NEAR(c["to_section_change_s"].get<double>(), to_section, 0.002);
    EXPECT_LE(c["to_downbeat_s"].get<double>(), c["to_section_change_s"].get<double>() + 1e-6) << "a section starts on a downbeat";
  }
  EXPECT_NEAR(st["integrated_lufs"].get<double>(), test::ffmpeg_loudness(out).integrated_lufs, 0.6);
  EXPECT_NE(tag(tags_of(out), "comment").find("composed by obs-bgm, free to use"), std::string::npos) << tags_of(out).dump();
}

TEST(Statement, SoundFontsSayWhoTheyAreAndUnderWhichLicence) {
  const SoundFontInfo fluid = read_soundfont_info("/usr/share/sounds/sf2/FluidR3_GM.sf2");
  EXPECT_EQ(fluid.name, "Fluid R3 GM");
  EXPECT_EQ(fluid.format, "SF2");
  EXPECT_EQ(fluid.licence, "MIT");
  EXPECT_NE(fluid.copyright.find("Frank Wen"), std::string::npos);
  const SoundFontInfo muse = read_soundfont_info("/usr/share/sounds/sf3/MuseScore_General.sf3");
  EXPECT_EQ(muse.format, "SF3") << "scripts/install-deps.sh installs musescore-general-soundfont-small";
  EXPECT_EQ(muse.licence, "MIT");
  // Not a SoundFont, or a truncated one: its file name and an unknown licence, never a crash.
  test::TempDir dir;
  static const char kBroken[] = "RIFF\x10\0\0\0sfbkLIST\xff\xff\xff\x7f" "INFOINAM\xff\xff\xff\xff";
  std::ofstream(dir / "broken.sf2", std::ios::binary).write(kBroken, sizeof kBroken - 1);
  const SoundFontInfo broken = read_soundfont_info(dir / "broken.sf2");
  EXPECT_EQ(broken.name, "broken");
  EXPECT_EQ(broken.licence.rfind("unknown", 0), 0u);
  EXPECT_NE(music_licence_note(broken).find("licence unknown"), std::string::npos);
}

}  // namespace
}  // namespace bgm
