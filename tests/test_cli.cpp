// The obs-bgm tool as a user or a script drives it: exit codes, messages, JSON, files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using test::quote;
using test::run_cli;
using test::TempDir;

TEST(Cli, GeneratesFromAPromptAndReportsJson) {
  TempDir dir;
  const auto out = dir / "calm.m4a";
  const auto r = run_cli("generate --prompt " + quote("calm lo-fi with piano, 12 seconds, 35% volume") + " --seed 5 --json -o " + quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["output"], out.string());
  EXPECT_EQ(j["spec"]["style"], "lofi");
  EXPECT_EQ(j["spec"]["mood"], "calm");
  EXPECT_EQ(j["spec"]["duration_s"], 12);
  EXPECT_DOUBLE_EQ(j["spec"]["music_volume"].get<double>(), 0.35);
  EXPECT_EQ(j["spec"]["seed"], 5);
  EXPECT_EQ(j["frames"], 12 * 48000);
  EXPECT_FALSE(j["sections"].empty());
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_TRUE(r.err.empty()) << "no progress bar when standard error is not a terminal: " << r.err;
}

TEST(Cli, ScoresSeveralRecordingsGoesOnPastABrokenOneAndSaysWhichFailed) {
  TempDir dir;
  for (const auto& [name, seconds] : std::vector<std::pair<std::string, int>>{{"a.mp4", 4}, {"c.mkv", 3}}) {
    ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=160x90:r=15:d=" + std::to_string(seconds) + " -f lavfi -i sine=f=330:d=" +
                        std::to_string(seconds) + " -c:v libx264 -preset ultrafast -c:a aac -shortest " + quote(dir / name)).exit_code, 0);
  }
  { std::ofstream(dir / "b.mp4") << "not a video"; }
  const auto r = run_cli("score " + quote(dir / "a.mp4") + " " + quote(dir / "b.mp4") + " " + quote(dir / "c.mkv") + " --seed 2");
  EXPECT_EQ(r.exit_code, 6) << "not 0 when one failed: " << r.out << r.err;
  EXPECT_NE(r.out.find("[1/3] a.mp4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[3/3] c.mkv"), std::string::npos) << "went on past the broken one: " << r.out;
  EXPECT_NE(r.out.find("b.mp4      FAILED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 of 3 scored, 1 failed"), std::string::npos) << r.out;
  EXPECT_NEAR(test::decoded_samples(dir / "a-bgm.mp4") / 48000.0, 4.0, 0.05);
  EXPECT_NEAR(test::decoded_samples(dir / "c-bgm.mkv") / 48000.0, 3.0, 0.05);
  EXPECT_FALSE(std::filesystem::exists(dir / "b-bgm.mp4"));
  // A folder: its recordings, not the results already beside them; JSON lists each.
  const auto folder = run_cli("score " + quote(dir.path()) + " --seed 2 --json");
  EXPECT_EQ(folder.exit_code, 6) << folder.err;
  const auto j = nlohmann::json::parse(folder.out);
  ASSERT_EQ(j["results"].size(), 3u) << folder.out;
  EXPECT_EQ(j["scored"], 2);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(std::filesystem::path(j["results"][1]["input"].get<std::string>()).filename(), "b.mp4");
  EXPECT_FALSE(j["results"][1]["ok"].get<bool>());
  EXPECT_EQ(std::filesystem::path(j["results"][0]["output"].get<std::string>()).filename(), "a-bgm-2.mp4") << "never over the first run's";
  // With every recording readable the batch succeeds.
  std::filesystem::remove(dir / "b.mp4");
  EXPECT_EQ(run_cli("score " + quote(dir / "a.mp4") + " " + quote(dir / "c.mkv") + " -q").exit_code, 0);
}

TEST(Cli, PrintsHowItUnderstoodThePrompt) {
  TempDir dir;
  const auto r = run_cli("generate -p " + quote("史诗电影配乐，D小调，每分钟90拍，10秒") + " --seed 1 -o " + quote(dir / "epic.wav") +
                         " --midi " + quote(dir / "epic.mid"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Style: Cinematic"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("90 BPM"), std::string::npos);
  EXPECT_NE(r.out.find("D minor"), std::string::npos);
  EXPECT_NE(r.out.find("Wrote "), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "epic.mid"));
  EXPECT_EQ(test::decoded_samples(dir / "epic.wav"), 10 * 48000);
}

TEST(Cli, SameSeedSameBytes) {
  TempDir dir;
  ASSERT_EQ(run_cli("generate -p upbeat -d 6 --seed 9 -q -o " + quote(dir / "a.flac")).exit_code, 0);
  ASSERT_EQ(run_cli("generate -p upbeat -d 6 --seed 9 -q -o " + quote(dir / "b.flac")).exit_code, 0);
  EXPECT_EQ(test::read_file(dir / "a.flac"), test::read_file(dir / "b.flac"));
}

TEST(Cli, BadDurationIsAUsageError) {
  TempDir dir;
  for (const char* d : {"0", "-3", "abc", "99999"}) {
    const auto r = run_cli(std::string("generate -p jazz -d ") + d + " -o " + quote(dir / "x.wav"));
    EXPECT_EQ(r.exit_code, 2) << d;
    EXPECT_FALSE(r.err.empty());
    EXPECT_FALSE(std::filesystem::exists(dir / "x.wav"));
  }
  EXPECT_NE(run_cli("generate -p jazz -d 0 -o x.wav").err.find("Choose between 2 s and 60 minutes"), std::string::npos);
}

TEST(Cli, UnknownStyleListsTheKnownOnes) {
  TempDir dir;
  const auto r = run_cli("generate --style polka -o " + quote(dir / "x.wav"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Unknown style 'polka'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cinematic"), std::string::npos);
  const auto styles = run_cli("styles");
  EXPECT_EQ(styles.exit_code, 0);
  EXPECT_GE(std::count(styles.out.begin(), styles.out.end(), '\n'), 12);
}

TEST(Cli, UnwritableOutputFailsBeforeWorkAndTouchesNothing) {
  TempDir dir;
  auto r = run_cli("generate -p pop -d 5 -o " + quote(dir / "missing-folder" / "x.wav"));
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  std::filesystem::create_directories(dir / "ro");
  std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (geteuid() != 0) {  // root writes anywhere; the check below covers root too
    r = run_cli("generate -p pop -d 5 -o " + quote(dir / "ro" / "x.wav"));
    EXPECT_EQ(r.exit_code, 5) << r.err;
  }
  r = run_cli("generate -p pop -d 5 -o " + quote(dir.path()));
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("is a folder"), std::string::npos);
  r = run_cli("generate -p pop -d 5 -o /proc/version.wav");
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = run_cli("generate -p pop -d 5 -o " + quote(dir / "x.ogg"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("wav, flac, mp3, m4a, aac"), std::string::npos);
}

TEST(Cli, MissingSoundFontSaysHowToInstallIt) {
  TempDir dir;
  const auto out = dir / "keep.wav";
  { std::ofstream(out) << "an earlier result"; }
  const auto r = run_cli("generate -p pop -d 5 --soundfont /nonexistent/GM.sf2 --json -o " + quote(out));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("sudo apt install fluid-soundfont-gm"), std::string::npos) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["error"]["code"], "resource_missing");
  EXPECT_EQ(test::read_file(out), "an earlier result") << "a failed run never touches an existing file";
}

TEST(Cli, AFullDiskIsAClearErrorAndLeavesNothing) {
  TempDir dir;
  const auto small = dir / "small-disk";
  test::SmallDisk disk(small, "2m");  // a 30 s 24-bit WAV (8.6 MB) cannot fit
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): the full-disk path is untested on this machine";
  const auto r = run_cli("generate -p pop -d 30 --seed 1 -o " + quote(small / "music.wav"));
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("disk is full"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(small)) << "no partial file is left on the full disk";
}

TEST(Cli, HelpAndUsage) {
  EXPECT_EQ(run_cli("--help").exit_code, 0);
  const auto h = run_cli("generate --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--stems DIR"), std::string::npos);
  EXPECT_EQ(run_cli("").exit_code, 2);
  EXPECT_EQ(run_cli("frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli("generate --bogus -o x.wav").exit_code, 2);
  EXPECT_EQ(run_cli("generate -p pop").exit_code, 2) << "no output";
  EXPECT_NE(run_cli("version").out.find("obs-bgm 0."), std::string::npos);
}

// Help where people look (issue 26): the tool's help and each command's end with examples of that command.
TEST(Cli, EveryHelpEndsWithExamplesOfItsCommand) {
  for (const std::string command : {"", "score", "generate", "analyze", "chat", "credits", "serve"}) {
    const auto h = run_cli(command.empty() ? "--help" : command + " --help");
    ASSERT_EQ(h.exit_code, 0) << command;
    const size_t at = h.out.find("\nExamples:\n");
    ASSERT_NE(at, std::string::npos) << command << ":\n" << h.out;
    std::istringstream lines(h.out.substr(at + 11));
    int examples = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) break;
      EXPECT_EQ(line.rfind("  obs-bgm " + command, 0), 0u) << command << ": " << line;
      ++examples;
    }
    EXPECT_GE(examples, 2) << command;
  }
}

TEST(Cli, ShowsStagesAndPercentOnATerminal) {
  TempDir dir;
  // `script` gives the tool a real terminal; the bar is drawn on standard error with carriage returns.
  const auto r = test::run("script -qec " + quote(quote(OBS_BGM_CLI_PATH) + " generate -p pop -d 20 --seed 1 -o " + quote(dir / "t.wav")) + " /dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Rendering"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("%"), std::string::npos);
  EXPECT_NE(r.out.find("\r["), std::string::npos);
  const auto quiet = test::run("script -qec " + quote(quote(OBS_BGM_CLI_PATH) + " generate -p pop -d 5 -q -o " + quote(dir / "q.wav")) + " /dev/null");
  ASSERT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out.find("Rendering"), std::string::npos) << "--quiet draws no bar";
}

TEST(Cli, InterruptCancelsCleanly) {
  TempDir dir;
  const auto out = dir / "long.wav";
  const auto r = test::run("timeout --preserve-status -s INT 1 " + quote(OBS_BGM_CLI_PATH) + " generate -p edm -d 3000 -o " + quote(out));
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no partial output";
}

// docs/exit-codes.md has a row for every exit code the tool uses, and no other.
TEST(Cli, TheExitCodesPageListsEveryCode) {
  const std::string page = test::read_file(std::string(OBS_BGM_SOURCE_DIR) + "/docs/exit-codes.md");
  std::vector<int> rows;
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);)
    if (line.size() > 2 && line[0] == '|' && std::isdigit(static_cast<unsigned char>(line[2]))) rows.push_back(std::stoi(line.substr(2)));
  const std::vector<int> codes = {cli::kExitOk, cli::kExitFailure, cli::kExitUsage, cli::kExitInput, cli::kExitResource,
                                  cli::kExitOutput, cli::kExitProcessing, cli::kExitRemote, cli::kExitCancelled};
  EXPECT_EQ(rows, codes);
}

}  // namespace
}  // namespace bgm
