// The NemoVideo client end to end against our own `obs-bgm serve` on loopback, through the command-line tool:
// score, generate, credits and chat with --backend nemovideo, compared with the local engine's result.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/serve_process.h"
#include "support/test_support.h"

namespace bgm {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Streams {
  std::string types;  // "video,audio"
  double duration = 0;
  std::string video_codec;
};

Streams probe(const fs::path& file) {
  const auto r = test::run("ffprobe -v error -show_entries stream=codec_type,codec_name:format=duration -of json " + test::quote(file.string()));
  const json j = json::parse(r.out, nullptr, false);
  Streams s;
  if (!j.is_object()) return s;
  for (const auto& st : j["streams"]) {
    s.types += (s.types.empty() ? "" : ",") + st.value("codec_type", "");
    if (st.value("codec_type", "") == "video") s.video_codec = st.value("codec_name", "");
  }
  s.duration = std::atof(j["format"].value("duration", "0").c_str());
  return s;
}

class NemoEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(server.url().empty()) << server.log();
    const auto made = test::run("ffmpeg -loglevel error -f lavfi -i testsrc2=s=320x180:r=25:d=6 -f lavfi -i sine=f=220:d=6 "
                                "-c:v libx264 -pix_fmt yuv420p -c:a aac -shortest " + test::quote(clip.string()));
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  // The tool with the client's state in this test's folder and the protocol's waits scaled down.
  test::CommandResult tool(const std::string& args, const std::string& stdin_lines = "") {
    const std::string env = "XDG_CONFIG_HOME=" + test::quote((dir / "config").string()) + " OBS_BGM_NEMO_TIME_SCALE=0.01 NEMO_TOKEN= ";
    const std::string feed = stdin_lines.empty() ? "" : "printf '%s' " + test::quote(stdin_lines) + " | ";
    auto r = test::run(feed + env + test::quote(test::cli_path()) + " " + args);
    everything += r.out + r.err;
    return r;
  }
  std::string token() {
    const json creds = json::parse(test::read_file(dir / "config" / "obs-bgm" / "nemovideo-credentials.json"), nullptr, false);
    return creds.is_object() && creds.contains("tokens") ? creds["tokens"].value(server.url(), "") : "";
  }
  void TearDown() override {
    const std::string t = token();
    if (t.empty()) return;
    EXPECT_EQ(everything.find(t), std::string::npos) << "the token reached the tool's output";
    EXPECT_EQ(server.log().find(t), std::string::npos) << "the token reached the server's log";
    struct stat st{};
    ASSERT_EQ(::stat((dir / "config" / "obs-bgm" / "nemovideo-credentials.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }

  test::TempDir dir;
  test::ServeProcess server{dir / "serve-data"};
  fs::path clip = dir / "clip.mp4";
  std::string everything;
};

TEST_F(NemoEndToEnd, ScoreThroughTheServerGivesTheSameKindOfResultAsTheLocalEngine) {
  const auto remote = tool("score " + test::quote(clip.string()) + " --backend nemovideo --api-base " + server.url() + " --json");
  ASSERT_EQ(remote.exit_code, 0) << remote.out << remote.err;
  const json r = json::parse(remote.out);
  const fs::path out = r["output"].get<std::string>();
  EXPECT_EQ(out, dir / "clip-bgm.mp4");
  EXPECT_FALSE(r["session_id"].get<std::string>().empty());
  EXPECT_NE(r["summary"].get<std::string>().find("BGM:"), std::string::npos);

  const auto local = tool("score " + test::quote(clip.string()) + " -o " + test::quote((dir / "local.mp4").string()) + " --quiet");
  ASSERT_EQ(local.exit_code, 0) << local.err;
  const Streams a = probe(out), b = probe(dir / "local.mp4"), in = probe(clip);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.types, "video,audio");
  EXPECT_EQ(a.video_codec, in.video_codec);
  EXPECT_NEAR(a.duration, in.duration, 0.1);
  EXPECT_NEAR(a.duration, b.duration, 0.1);
  const auto loud = test::ffmpeg_loudness(out);
  EXPECT_GT(loud.integrated_lufs, -40) << "music under the tone, not silence";
  EXPECT_LT(loud.true_peak_dbtp, 0.0);
  // No partial file left beside it; the recording untouched.
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_EQ(e.path().extension(), e.path().extension() == ".part" ? ".none" : e.path().extension()) << e.path();
}

TEST_F(NemoEndToEnd, GenerateCreditsAndChatWorkAgainstTheServer) {
  const fs::path music = dir / "piece.m4a";
  const auto g = tool("generate -p 'calm piano, 12 seconds' -o " + test::quote(music.string()) + " --backend nemovideo --api-base " + server.url());
  ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
  EXPECT_NEAR(probe(music).duration, 12, 0.3);

  const auto c = tool("credits --backend nemovideo --api-base " + server.url());
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("Ready · the render server · "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("anonymous account"), std::string::npos);

  const auto chat = tool("chat --backend nemovideo --api-base " + server.url() + " --output " + test::quote(dir.path().string()) + " " +
                             test::quote(clip.string()),
                         "generate background music that matches my video\nmusic at 20%\nstatus\ncredits\nexport\n");
  ASSERT_EQ(chat.exit_code, 0) << chat.out << chat.err;
  EXPECT_NE(chat.out.find("Connecting..."), std::string::npos);
  EXPECT_NE(chat.out.find("Ready: the render server"), std::string::npos) << chat.out;
  EXPECT_NE(chat.out.find("Uploaded clip.mp4."), std::string::npos) << chat.out;
  EXPECT_NE(chat.out.find("BGM: "), std::string::npos);
  EXPECT_NE(chat.out.find("20%)"), std::string::npos) << "status after the edit: " << chat.out;
  EXPECT_NE(chat.out.find("credits ("), std::string::npos);
  EXPECT_NE(chat.out.find("Exported to "), std::string::npos) << chat.out;
  EXPECT_EQ(probe(dir / "clip-bgm.mp4").types, "video,audio");
}

TEST_F(NemoEndToEnd, SeveralRecordingsInOneServerSessionEachGetTheirOwnRender) {
  const fs::path second = dir / "second.mp4", broken = dir / "broken.mp4";
  ASSERT_EQ(test::run("ffmpeg -loglevel error -f lavfi -i testsrc2=s=320x180:r=25:d=4 -f lavfi -i sine=f=330:d=4 -c:v libx264 -pix_fmt yuv420p "
                      "-c:a aac -shortest " + test::quote(second.string())).exit_code, 0);
  { std::ofstream(broken) << "not a video at all"; }
  const auto chat = tool("chat --backend nemovideo --api-base " + server.url() + " --output " + test::quote((dir / "out").string()) + " " +
                             test::quote(clip.string()) + " " + test::quote(broken.string()) + " " + test::quote(second.string()),
                         "for the second clip: calm piano\n第一个视频用欢快的音乐\nstatus\nexport all\n");
  ASSERT_EQ(chat.exit_code, 0) << chat.out << chat.err;
  EXPECT_NE(chat.out.find("Uploaded clip.mp4."), std::string::npos) << chat.out;
  EXPECT_NE(chat.out.find("broken.mp4"), std::string::npos) << "the broken one is named: " << chat.out;
  EXPECT_NE(chat.out.find("Uploaded second.mp4."), std::string::npos) << chat.out;
  EXPECT_NE(chat.out.find("second.mp4: "), std::string::npos) << "the second readable recording: " << chat.out;
  EXPECT_NE(chat.out.find("clip.mp4："), std::string::npos) << chat.out;
  // Each timeline rendered on its own by the server, at its own length.
  EXPECT_NEAR(probe(dir / "out" / "clip-bgm.mp4").duration, 6.0, 0.1) << chat.out;
  EXPECT_NEAR(probe(dir / "out" / "second-bgm.mp4").duration, 4.0, 0.1) << chat.out;
  EXPECT_EQ(probe(dir / "out" / "second-bgm.mp4").types, "video,audio");
}

TEST_F(NemoEndToEnd, ACommandLineFailureIsClearAndWritesNothing) {
  const auto bad = tool("score " + test::quote(clip.string()) + " --backend nemovideo --api-base http://127.0.0.1:1 --json");
  EXPECT_EQ(bad.exit_code, 7) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("Could not reach"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "clip-bgm.mp4"));
  const auto local_only = tool("score " + test::quote(clip.string()) + " --backend nemovideo --stems x");
  EXPECT_EQ(local_only.exit_code, 2);
  EXPECT_NE(local_only.err.find("--stems works with the local engine only"), std::string::npos);
}

}  // namespace
}  // namespace bgm
