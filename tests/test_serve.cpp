// `obs-bgm serve` over real HTTP on loopback, driven with libcurl as a client would: every endpoint and code of
// the NemoVideo API, the SSE event shape, upload limits, a restart, eight clients at once, and the full flow
// from a clean data folder to a downloaded MP4 whose video is the recording's, packet for packet.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <atomic>
#include <fstream>
#include <functional>
#include <thread>

#include "server/nemo_server.h"
#include "server/url_fetch.h"
#include "support/nemo_client.h"
#include "support/serve_process.h"
#include "support/test_support.h"

namespace bgm {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::NemoClient;
using test::quote;

void run_ok(const std::string& cmd) { ASSERT_EQ(test::run(cmd).exit_code, 0) << cmd; }

std::string video_packets(const fs::path& f) {
  return test::run("ffmpeg -v error -i " + quote(f) + " -map 0:v -c copy -f framemd5 - | grep -v '^#' | cut -d, -f6").out;
}
// RMS level (dB) of a file's audio through an FFmpeg filter.
double level_db(const fs::path& f, const std::string& filter) {
  auto r = test::run("ffmpeg -v error -i " + quote(f) + " -af " + filter + ",astats=metadata=1:reset=0,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=- -f null - | tail -1");
  const auto eq = r.out.rfind('=');
  return eq == std::string::npos ? 0 : std::atof(r.out.c_str() + eq + 1);
}

class Serve : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    // A recording: a moving picture with cuts, and its own sound (a steady 220 Hz tone the music sits under).
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=6 -f lavfi -i smptehdbars=s=320x180:r=30:d=6 "
           "-f lavfi -i sine=f=220:r=48000:d=12 -filter_complex \"[0][1]concat=n=2:v=1,format=yuv420p[v]\" -map [v] -map 2:a "
           "-c:v libx264 -preset ultrafast -g 30 -c:a aac -shortest " + quote(*dir_ / "rec.mp4"));
    run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=160x90:r=15:d=4 -f lavfi -i sine=f=330:r=48000:d=4 -c:v libx264 -preset ultrafast "
           "-c:a aac -shortest " + quote(*dir_ / "short.mp4"));
  }
  static void TearDownTestSuite() { delete dir_; }

  void start(ServeOptions o = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    if (o.data_dir.empty()) o.data_dir = data_.path();
    o.time_scale = 0.01;
    options_ = o;
    server_ = std::make_unique<NemoServer>(o);
    auto ok = server_->start();
    ASSERT_TRUE(ok) << ok.error().message;
  }
  void SetUp() override { start(); }
  // The server again (same data folder) with options of the test's own.
  void restart(const std::function<void(ServeOptions&)>& set) {
    server_.reset();
    ServeOptions o;
    set(o);
    start(o);
  }
  NemoClient client() { return NemoClient(server_->url()); }
  NemoClient signed_in() {
    NemoClient c = client();
    EXPECT_EQ(c.anonymous_token("6f1c2b9e-client").code(), 0);
    EXPECT_EQ(c.new_session().code(), 0);
    return c;
  }
  static fs::path at(const std::string& name) { return *dir_ / name; }

  static test::TempDir* dir_;
  test::TempDir data_;
  ServeOptions options_;
  std::unique_ptr<NemoServer> server_;
};
test::TempDir* Serve::dir_ = nullptr;

TEST_F(Serve, AnonymousTokenNeedsAClientIdAndGives100Credits) {
  NemoClient c = client();
  auto bad = c.anonymous_token("");
  EXPECT_EQ(bad.http, 400);
  EXPECT_EQ(bad.code(), 400);
  auto good = c.anonymous_token("0d9c7a52-5b0c-4a4e-9d7e-3f0c2a1b4c5d");
  ASSERT_EQ(good.code(), 0) << good.body;
  EXPECT_EQ(good.data()["credits"], 100);
  const double days = (good.data()["expires_at"].get<double>() - std::time(nullptr)) / 86400.0;
  EXPECT_NEAR(days, 7, 0.01);
  auto credits = c.credits();
  ASSERT_EQ(credits.code(), 0);
  EXPECT_EQ(credits.data(), (json{{"available", 100}, {"frozen", 0}, {"total", 100}}));
}

TEST_F(Serve, EveryCallNeedsAValidTokenAndItsOwnSession) {
  NemoClient none = client();
  for (auto [method, path] : {std::pair{"GET", "/api/credits/balance/simple"}, std::pair{"POST", "/api/tasks/me/with-session/nemo_agent"},
                              std::pair{"GET", "/api/state/nemo_agent/me/s_00/latest"}, std::pair{"POST", "/run_sse"},
                              std::pair{"POST", "/api/render/proxy/lambda"}, std::pair{"GET", "/api/render/proxy/lambda/render_1"}}) {
    auto a = none.call(method, path, method == std::string("POST") ? "{}" : "");
    EXPECT_EQ(a.http, 401) << path;
    EXPECT_EQ(a.code(), 1001) << path;
  }
  none.token = "nmt_not_a_token";
  EXPECT_EQ(none.credits().code(), 1001);

  NemoClient a = signed_in(), b = signed_in();
  b.session = a.session;  // another token's session
  EXPECT_EQ(b.state().code(), 1002);
  EXPECT_EQ(b.chat("hello").error_body.find("1002") != std::string::npos, true);
  b.session = "s_0123456789abcdef";
  EXPECT_EQ(b.state().code(), 1002);
  // Fields of the wrong type are read as absent: a clear answer, never an exception (a 500).
  auto typed = b.call("POST", "/run_sse", R"({"session_id": 5, "new_message": {"parts": 5}})");
  EXPECT_EQ(typed.code(), 1002) << typed.body;
  typed = b.call("POST", "/api/render/proxy/lambda", R"({"id": 5, "sessionId": [], "output": 7})",
                 {{"X-Skill-Source", "t"}, {"X-Skill-Version", "1"}, {"X-Skill-Platform", "unknown"}});
  EXPECT_EQ(typed.code(), 1002) << typed.body;
  EXPECT_EQ(b.call("POST", "/api/tasks/me/with-session/nemo_agent", R"({"language": 5})").code(), 0);
  b.session = "..%2F..%2Fetc";
  auto escape = b.state();
  EXPECT_NE(escape.code(), 0);
  EXPECT_GE(escape.http, 400);
}

TEST_F(Serve, ChatStreamsCallsPartialsAndAFinalEventWithHeartbeats) {
  NemoClient c = signed_in();
  ASSERT_EQ(c.upload(at("rec.mp4")).code(), 0);
  auto s = c.chat("generate background music that matches the mood and length of my video");
  ASSERT_EQ(s.http, 200) << s.error_body;
  ASSERT_GE(s.events.size(), 4u);
  EXPECT_TRUE(s.events.front()["content"]["parts"][0].contains("functionCall"));
  EXPECT_EQ(s.events.front()["content"]["parts"][0]["functionCall"]["name"], "generate_music");
  bool response = false;
  for (const auto& e : s.events) {
    EXPECT_EQ(e["author"], "nemo_agent");
    EXPECT_TRUE(e.contains("invocationId") && e.contains("timestamp") && e.contains("id"));
    if (e["content"]["parts"][0].contains("functionResponse")) {
      response = true;
      EXPECT_EQ(e["content"]["parts"][0]["functionResponse"]["id"], "call_1");
      EXPECT_TRUE(e["content"]["parts"][0]["functionResponse"]["response"].contains("media_id"));
    }
  }
  EXPECT_TRUE(response);
  const json& last = s.events.back();
  EXPECT_FALSE(last.value("partial", false));
  EXPECT_TRUE(last.value("turnComplete", false));
  EXPECT_EQ(s.final_text(), s.partial_text()) << "the final event repeats the partial chunks whole";
  EXPECT_NE(s.final_text().find("Timeline (2 tracks): 1. Video: rec (0-12s) 2. BGM:"), std::string::npos) << s.final_text();
  EXPECT_GE(s.heartbeats, 1) << "heartbeats while the music renders (every 10 s, scaled to 100 ms here)";
  // Charged: one credit per started 10 s of music, nothing left frozen.
  EXPECT_EQ(c.credits().data(), (json{{"available", 98}, {"frozen", 0}, {"total", 98}}));
}

TEST_F(Serve, CreditsAreFrozenWhileMusicIsMadeThenCharged) {
  restart([](ServeOptions& o) {
    o.requests_per_minute = 1000000;  // the test polls fast; the rate limit has its own test
  });
  NemoClient c = signed_in();
  ASSERT_EQ(c.upload(at("rec.mp4")).code(), 0);
  std::atomic<bool> done{false};
  std::thread chat([&] {
    NemoClient talker(server_->url());
    talker.token = c.token;
    talker.session = c.session;
    talker.chat("generate music for my video");
    done = true;
  });
  json seen_frozen;
  while (!done) {
    auto credits = c.credits();
    if (credits.code() == 0 && credits.data()["frozen"].get<int>() > 0) seen_frozen = credits.data();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  chat.join();
  EXPECT_EQ(seen_frozen, (json{{"available", 98}, {"frozen", 2}, {"total", 100}})) << "2 credits held while 12 s of music is made";
  EXPECT_EQ(c.credits().data(), (json{{"available", 98}, {"frozen", 0}, {"total", 98}}));
}

TEST_F(Serve, UploadsOfTheSeedsTypesUpTo500MB) {
  NemoClient c = signed_in();
  std::ofstream(at("notes.txt")) << "not a video";
  auto type = c.upload(at("notes.txt"));
  EXPECT_EQ(type.code(), 4001) << type.body;
  EXPECT_NE(type.body["message"].get<std::string>().find("mp4"), std::string::npos);
  // 501 MB, sparse on disk: streamed, never held in memory, refused at 500 MB.
  run_ok("truncate -s 501M " + quote(at("huge.mp4")));
  auto big = c.upload(at("huge.mp4"));
  EXPECT_EQ(big.code(), 4002) << big.body;
  fs::remove(at("huge.mp4"));
  // Not a video, though named like one.
  std::ofstream(at("fake.mp4")) << "garbage";
  EXPECT_EQ(c.upload(at("fake.mp4")).http, 400);
  for (const char* url : {"http://127.0.0.1:1/x.mp4", "http://localhost/x.mp4", "http://10.0.0.8/x.mp4", "http://169.254.169.254/latest",
                          "http://[::1]/x.mp4", "file:///etc/passwd", "ftp://example.com/x.mp4", "gopher://x"}) {
    auto a = c.upload_urls(json::array({url}));
    EXPECT_EQ(a.http, 400) << url << a.body;
  }
  auto ok = c.upload(at("short.mp4"), "my clip.mp4");
  ASSERT_EQ(ok.code(), 0) << ok.body;
  EXPECT_EQ(ok.data()["files"][0]["name"], "my clip.mp4");
  EXPECT_EQ(ok.data()["files"][0]["duration_ms"], 4000);
  // Nothing of the refused uploads is left on disk.
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(data_.path() / "sessions")) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST_F(Serve, InternalAddressesAreNotUploadSources) {
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
                        "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"})
    EXPECT_TRUE(is_internal_address(a)) << a;
  for (const char* a : {"8.8.8.8", "93.184.216.34", "2606:4700::1111"}) EXPECT_FALSE(is_internal_address(a)) << a;
}

TEST_F(Serve, OutOfCreditsIs2001AndNothingStaysFrozen) {
  restart([](ServeOptions& o) {
    o.credits_per_token = 1;
  });
  NemoClient c = signed_in();
  ASSERT_EQ(c.upload(at("rec.mp4")).code(), 0);
  auto s = c.chat("generate music for my video");  // 12 s of music: 2 credits
  ASSERT_FALSE(s.events.empty()) << s.error_body;
  EXPECT_EQ(s.events.back()["errorCode"], "2001");
  EXPECT_NE(s.final_text().find("Out of credits"), std::string::npos);
  EXPECT_EQ(c.credits().data(), (json{{"available", 1}, {"frozen", 0}, {"total", 1}}));
  EXPECT_EQ(c.state().data()["state"]["generated_media"].size(), 0u);
}

TEST_F(Serve, ExportWithoutAttributionIs402AndOverTheRateIs429) {
  NemoClient c = signed_in();
  c.attribution = false;
  auto a = c.start_export("render_1");
  EXPECT_EQ(a.http, 402);
  EXPECT_EQ(a.code(), 402);
  restart([](ServeOptions& o) {
    o.requests_per_minute = 5;
  });
  NemoClient r = client();
  ASSERT_EQ(r.anonymous_token("rate-client").code(), 0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.credits().code(), 0);
  auto over = r.credits();
  EXPECT_EQ(over.http, 429);
  EXPECT_EQ(over.code(), 429);
}

TEST_F(Serve, FullFlowFromACleanFolderToADownloadedMp4) {
  NemoClient c = signed_in();
  auto up = c.upload(at("rec.mp4"));
  ASSERT_EQ(up.code(), 0) << up.body;
  auto gen = c.chat("generate background music that matches the mood and length of my video");
  ASSERT_TRUE(gen.events.back().value("turnComplete", false));
  auto st = c.state();
  ASSERT_EQ(st.code(), 0);
  const json& draft = st.data()["state"]["draft"];
  ASSERT_EQ(draft["t"].size(), 2u);
  EXPECT_EQ(draft["t"][0]["tt"], 0);
  EXPECT_EQ(draft["t"][0]["sg"][0]["d"], 12000);
  EXPECT_EQ(draft["t"][1]["tt"], 1);
  EXPECT_EQ(draft["t"][1]["sg"][0]["d"], 12000);
  EXPECT_EQ(draft["d"], 12000);
  EXPECT_EQ(st.data()["state"]["video_infos"].size(), 1u);
  EXPECT_EQ(st.data()["state"]["generated_media"].size(), 1u);

  auto first = c.start_export("render_first");
  ASSERT_EQ(first.code(), 0) << first.body;
  auto done = c.export_and_download("render_first", at("first.mp4"));
  ASSERT_EQ(done.data()["status"], "completed") << done.body;
  EXPECT_FALSE(done.body.contains("download_failed"));

  auto quieter = c.chat("music at 20%");
  EXPECT_NE(quieter.final_text().find("20%"), std::string::npos);
  EXPECT_EQ(c.state().data()["state"]["generated_media"].size(), 1u) << "the volume needs no new music";
  ASSERT_EQ(c.start_export("render_quiet").code(), 0);
  done = c.export_and_download("render_quiet", at("quiet.mp4"));
  ASSERT_EQ(done.data()["status"], "completed") << done.body;
  const std::string url = done.data()["output"]["url"];
  EXPECT_NE(url.find("/download/"), std::string::npos);
  EXPECT_EQ(url.find(c.token), std::string::npos);

  EXPECT_NEAR(test::ffprobe_duration(at("quiet.mp4")), 12.0, 0.1);
  EXPECT_EQ(video_packets(at("quiet.mp4")), video_packets(at("rec.mp4"))) << "the video is the recording's, packet for packet";
  // The music against the recording's own 220 Hz tone: lower in the second export.
  auto balance = [](const fs::path& f) { return level_db(f, "highpass=f=500") - level_db(f, "bandpass=f=220:width_type=h:w=30"); };
  EXPECT_LT(balance(at("quiet.mp4")), balance(at("first.mp4")) - 2.5);
}

TEST_F(Serve, ARestartKeepsSessionsRendersAndLinks) {
  NemoClient c = signed_in();
  ASSERT_EQ(c.upload(at("short.mp4")).code(), 0);
  c.chat("calm piano music for my video");
  ASSERT_EQ(c.start_export("render_keep").code(), 0);
  auto done = c.export_and_download("render_keep", at("keep1.mp4"));
  ASSERT_EQ(done.data()["status"], "completed");
  const std::string before = c.state().body.dump();

  server_->stop();
  server_.reset();
  start(options_);
  NemoClient again(server_->url());
  again.token = c.token;
  again.session = c.session;
  auto st = again.state();
  ASSERT_EQ(st.code(), 0) << st.body;
  EXPECT_EQ(st.body.dump(), before);
  auto status = again.export_and_download("render_keep", at("keep2.mp4"));
  EXPECT_EQ(status.data()["status"], "completed");
  EXPECT_EQ(test::read_file(at("keep1.mp4")), test::read_file(at("keep2.mp4")));
  auto more = again.chat("make it calmer");
  EXPECT_NE(more.final_text().find("calmer"), std::string::npos);
}

TEST_F(Serve, AStopMidTurnAnswersTheStreamAndTheNextStartGoesOn) {
  NemoClient c = signed_in();
  ASSERT_EQ(c.upload(at("rec.mp4")).code(), 0);
  test::ChatStream stream;
  std::thread chat([&] { stream = c.chat("generate background music for my video"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  server_->stop();  // what SIGINT / SIGTERM do
  chat.join();
  ASSERT_FALSE(stream.events.empty()) << "the stream in flight gets an answer, not a cut: " << stream.error_body;
  EXPECT_TRUE(stream.events.back().value("turnComplete", false));
  // Either the turn finished before the stop, or it says it did not; credits are never left frozen.
  server_.reset();
  start(options_);
  NemoClient again(server_->url());
  again.token = c.token;
  again.session = c.session;
  const json credits = again.credits().data();
  EXPECT_EQ(credits["frozen"], 0);
  const bool made = !again.state().data()["state"]["generated_media"].empty();
  EXPECT_EQ(credits["available"], made ? 98 : 100);
  EXPECT_EQ(stream.events.back().contains("errorCode"), !made);
}

TEST_F(Serve, DownloadLinksExpire) {
  restart([](ServeOptions& o) {
    o.link_lifetime_s = 1;
  });
  NemoClient c = signed_in();
  ASSERT_EQ(c.upload(at("short.mp4")).code(), 0);
  c.chat("music for my video");
  ASSERT_EQ(c.start_export("render_short").code(), 0);
  auto done = c.export_and_download("render_short", at("short-out.mp4"));
  ASSERT_EQ(done.data()["status"], "completed");
  EXPECT_FALSE(done.body.contains("download_failed")) << "in time, the link works";
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const std::string url = done.data()["output"]["url"];
  auto late = test::run("curl -s -o /dev/null -w '%{http_code}' " + quote(url));
  EXPECT_EQ(late.out, "410") << "an expired link is refused";
  auto guessed = test::run("curl -s -o /dev/null -w '%{http_code}' " + quote(url.substr(0, url.find("/download/") + 10) + std::string(48, 'a') + "/x.mp4"));
  EXPECT_EQ(guessed.out, "404");
}

TEST_F(Serve, EightClientsRunFullFlowsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> failures(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      NemoClient c(server_->url());
      if (c.anonymous_token("client-" + std::to_string(i)).code() != 0 || c.new_session().code() != 0) return void(failures[i] = "token/session");
      if (c.upload(at("short.mp4")).code() != 0) return void(failures[i] = "upload");
      auto s = c.chat(i % 2 ? "upbeat music for my video" : "为我的视频生成轻松的背景音乐");
      if (s.events.empty() || !s.events.back().value("turnComplete", false) || s.events.back().contains("errorCode"))
        return void(failures[i] = "chat: " + s.final_text() + s.error_body);
      const std::string id = "render_" + std::to_string(i);
      if (c.start_export(id).code() != 0) return void(failures[i] = "export");
      const fs::path out = at("client" + std::to_string(i) + ".mp4");
      auto done = c.export_and_download(id, out, 300);
      if (done.data().value("status", "") != "completed") return void(failures[i] = "render: " + done.body.dump());
      if (std::abs(test::ffprobe_duration(out) - 4.0) > 0.1) failures[i] = "length";
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(failures[i], "") << "client " << i;
}

TEST(ServeCommand, ListensOnLoopbackAndStopsCleanlyOnSigterm) {
  test::TempDir dir;
  const fs::path log = dir / "serve.log";
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = test::cli_path() + " serve --listen 127.0.0.1:0 --data " + quote(dir / "data") + " > " + quote(log) + " 2>&1";
    execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), nullptr);
    _exit(127);
  }
  std::string text;
  for (int i = 0; i < 100 && text.find("listening on") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    text = test::read_file(log);
  }
  EXPECT_NE(text.find("listening on http://127.0.0.1:"), std::string::npos) << text;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(test::read_file(log).find("stopping"), std::string::npos);
  EXPECT_EQ(fs::status(dir / "data" / "obs-bgm.db").permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST(ServeCommand, AnotherAddressGivesNoAnonymousTokensUnlessAllowed) {
  test::TempDir dir;
  ServeOptions o;
  o.host = "0.0.0.0";
  o.port = 0;
  o.data_dir = dir.path();
  o.allow_anonymous = false;  // what the command does for a non-loopback --listen without --allow-anonymous
  std::ofstream(dir / "tokens.txt") << "studio-token-1 50\n";
  o.token_file = dir / "tokens.txt";
  NemoServer server(o);
  ASSERT_TRUE(server.start());
  const std::string port = server.url().substr(server.url().rfind(':'));
  NemoClient c("http://127.0.0.1" + port);
  auto a = c.anonymous_token("x");
  EXPECT_EQ(a.http, 403);
  EXPECT_EQ(a.code(), 1001);
  c.token = "studio-token-1";
  EXPECT_EQ(c.credits().data()["available"], 50);
  EXPECT_EQ(test::read_file(dir / "obs-bgm.db").find("studio-token-1"), std::string::npos) << "tokens are stored hashed";
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(ServeCommand, ServesOverTlsWhenGivenACertificate) {
  test::TempDir dir;
  ASSERT_EQ(test::run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + quote(dir / "key.pem") + " -out " + quote(dir / "cert.pem") +
                      " -days 1 -subj /CN=localhost 2>/dev/null").exit_code, 0);
  ServeOptions o;
  o.port = 0;
  o.data_dir = dir / "data";
  o.tls_cert = dir / "cert.pem";
  o.tls_key = dir / "key.pem";
  NemoServer server(o);
  ASSERT_TRUE(server.start());
  ASSERT_EQ(server.url().rfind("https://127.0.0.1:", 0), 0u) << server.url();
  auto r = test::run("curl -sk --cacert " + quote(dir / "cert.pem") + " -X POST -H 'X-Client-Id: tls-client' " + server.url() +
                     "/api/auth/anonymous-token");
  EXPECT_NE(r.out.find("\"code\":0"), std::string::npos) << r.out << r.err;
  const std::string plain = "http" + server.url().substr(5);
  auto p = test::run("curl -s -m 5 -X POST -H 'X-Client-Id: x' " + plain + "/api/auth/anonymous-token");
  EXPECT_EQ(p.out.find("\"code\":0"), std::string::npos) << "plain HTTP is not answered on the TLS port";
  ServeOptions bad = o;
  bad.data_dir = dir / "data2";   // one server per data folder
  bad.tls_key = dir / "cert.pem";  // not a key
  NemoServer refused(bad);
  auto started = refused.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("TLS"), std::string::npos);
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// The curl flow docs/serve.md writes out for people, run as written (curl and jq, in bash) against a real
// `obs-bgm serve` process: a 6 s recording in, the same recording with music out.
TEST(Docs, TheCurlFlowInServeMdRunsAsWritten) {
  const std::string block = test::doc_block("serve.md", "<!-- the curl flow:");
  ASSERT_FALSE(block.empty()) << "docs/serve.md marks its curl flow";
  test::TempDir dir;
  { std::ofstream(dir / "flow.sh") << "set -e\n" << block << "\n"; }
  run_ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=6 -f lavfi -i sine=f=220:d=6 -c:v libx264 -preset ultrafast "
         "-c:a aac -shortest " + quote(dir / "clip.mp4"));
  test::ServeProcess server(dir / "data");
  ASSERT_FALSE(server.url().empty()) << server.log();
  const auto flow = test::run("cd " + quote(dir.path()) + " && BASE=" + server.url() + " CLIP=clip.mp4 timeout 300 bash flow.sh 2>&1");
  ASSERT_EQ(flow.exit_code, 0) << flow.out << "\nthe server said:\n" << server.log();
  const fs::path out = dir / "clip-with-music.mp4";
  ASSERT_TRUE(fs::exists(out)) << flow.out;
  EXPECT_NEAR(test::ffprobe_duration(out), test::ffprobe_duration(dir / "clip.mp4"), 0.1);
  EXPECT_NEAR(test::ffmpeg_loudness(out).integrated_lufs, -14.0, 1.5) << "music under the recording, at the target loudness";
  EXPECT_NE(flow.out.find("\"available\""), std::string::npos) << "the credits are read at the end: " << flow.out;
}

}  // namespace
}  // namespace bgm
