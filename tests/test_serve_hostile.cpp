// `obs-bgm serve` as its own process, attacked the way the outside audit did (../shared/notes/serve-audit.md, kept
// here by finding: F1 ... F26), with the audit's own inputs over real loopback connections. What each test checks
// is what the studio would: the server still answers, nothing of it leaks, its data stays right.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/nemo_client.h"
#include "support/raw_socket.h"
#include "support/serve_process.h"
#include "support/test_support.h"

namespace bgm {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::NemoClient;
using test::RawSocket;

class Hostile : public ::testing::Test {
 protected:
  void serve(const std::vector<std::string>& extra = {}) {
    server_ = std::make_unique<test::ServeProcess>(data_ / "data", extra);
    ASSERT_FALSE(server_->url().empty()) << server_->log();
  }
  void SetUp() override { serve(); }
  int port() const { return test::port_of(server_->url()); }
  NemoClient signed_in(const std::string& client_id = "hostile-test-client") {
    NemoClient c(server_->url());
    EXPECT_EQ(c.anonymous_token(client_id).code(), 0);
    EXPECT_EQ(c.new_session().code(), 0);
    return c;
  }
  // The server answers a plain call at once: what every attack must leave true.
  void expect_still_serving() {
    NemoClient c(server_->url());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(c.anonymous_token("still-there").code(), 0) << server_->log();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  }

  test::TempDir data_;
  std::unique_ptr<test::ServeProcess> server_;
};

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST_F(Hostile, F1_ADeeplyNestedDraftIsRefusedAndTheServerGoesOn) {
  NemoClient c = signed_in();
  for (int depth : {150000, 100000, 65}) {
    const std::string body = R"({"id":"d)" + std::to_string(depth) + R"(","sessionId":")" + c.session + R"(","draft":{"t":[],"x":)" + nested(depth) + "}}";
    auto a = c.call("POST", "/api/render/proxy/lambda", body, {{"X-Skill-Source", "a"}, {"X-Skill-Version", "1"}, {"X-Skill-Platform", "x"}});
    EXPECT_EQ(a.http, 400) << depth;
    EXPECT_NE(a.body.value("message", "").find("64 deep"), std::string::npos) << a.body;
  }
  // Every door that takes JSON: a chat turn, a new session, a URL upload.
  const std::string deep = nested(150000);
  EXPECT_EQ(c.call("POST", "/run_sse", R"({"session_id":")" + c.session + R"(","new_message":)" + deep + "}").http, 400);
  EXPECT_EQ(c.call("POST", "/api/tasks/me/with-session/nemo_agent", R"({"language":)" + deep + "}").http, 400);
  EXPECT_EQ(c.call("POST", "/api/upload-video/nemo_agent/me/" + c.session, R"({"urls":)" + deep + "}").http, 400);
  expect_still_serving();
}

// ---- state that survives crashes ----

TEST_F(Hostile, F5_ASecondServerOnTheSameDataIsRefused) {
  test::ServeProcess second(data_ / "data");
  EXPECT_TRUE(second.url().empty()) << "both listen on one --data";
  EXPECT_FALSE(second.running());
  const std::string log = second.log();
  EXPECT_NE(log.find("Another obs-bgm serve (process " + std::to_string(server_->pid()) + ") is using the data folder"), std::string::npos) << log;
  // kill -9 leaves no lock behind: the next start takes the folder.
  ASSERT_TRUE(server_->signal_and_wait(SIGKILL, 5));
  serve();
  expect_still_serving();
}

TEST_F(Hostile, F6_CreditsFrozenByATurnKilledWithMinus9AreReleasedAtTheNextStart) {
  NemoClient c = signed_in();
  std::thread talk([&] {
    NemoClient t(server_->url());
    t.token = c.token, t.session = c.session;
    t.chat("make 60 seconds of calm piano music");
  });
  json frozen;
  for (int i = 0; i < 1000 && frozen.is_null(); ++i) {
    auto credits = c.credits();
    if (credits.code() == 0 && credits.data()["frozen"].get<int>() > 0) frozen = credits.data();
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(frozen, (json{{"available", 94}, {"frozen", 6}, {"total", 100}}));
  ASSERT_TRUE(server_->signal_and_wait(SIGKILL, 5));
  talk.join();
  serve();
  const std::string token = c.token;
  c = NemoClient(server_->url());
  c.token = token;
  EXPECT_EQ(c.credits().data(), (json{{"available", 100}, {"frozen", 0}, {"total", 100}}));
}

TEST_F(Hostile, F7_AnUploadCutByKillMinus9LeavesNothingAfterTheRestart) {
  NemoClient c = signed_in();
  RawSocket s(port());
  const std::string head = "POST /api/upload-video/nemo_agent/me/" + c.session + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + c.token +
                           "\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 94371840\r\n\r\n"
                           "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n";
  ASSERT_TRUE(s.send(head));
  const std::string mb(1 << 20, 'v');
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(s.send(mb));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  uint64_t parts = 0;
  for (const auto& e : fs::recursive_directory_iterator(data_ / "data" / "sessions"))
    if (e.path().filename().string().rfind("part_", 0) == 0) parts += fs::file_size(e.path());
  EXPECT_GT(parts, 10u << 20) << "the upload was on its way to disk";
  ASSERT_TRUE(server_->signal_and_wait(SIGKILL, 5));
  serve();
  for (const auto& e : fs::recursive_directory_iterator(data_ / "data" / "sessions"))
    EXPECT_NE(e.path().filename().string().rfind("part_", 0), 0u) << e.path() << " was left";
}

// ---- auth ----

const std::vector<std::pair<std::string, std::string>> kAttribution = {{"X-Skill-Source", "a"}, {"X-Skill-Version", "1"}, {"X-Skill-Platform", "x"}};

json hand_made_music(int seconds) {
  return json{{"d", seconds * 1000},
              {"t", json::array({json{{"tt", 1}, {"m", {{"role", "bgm"}}}, {"sg", json::array({{{"st", 0}, {"d", seconds * 1000}, {"m", {{"prompt", "calm piano"}}}}})}}})}};
}

TEST_F(Hostile, F8_AnExportOfNewMusicCostsLikeGenerationAndIsRefusedWithoutCredits) {
  server_.reset();
  std::ofstream(data_ / "tokens.txt") << "tok-zero 0\ntok-ten 10\n";
  serve({"--token-file", (data_ / "tokens.txt").string()});
  NemoClient zero(server_->url());
  zero.token = "tok-zero";
  ASSERT_EQ(zero.new_session().code(), 0);
  auto refused = zero.call("POST", "/api/render/proxy/lambda",
                           json{{"id", "r1"}, {"sessionId", zero.session}, {"draft", hand_made_music(600)}}.dump(), kAttribution);
  EXPECT_EQ(refused.http, 402) << refused.body;
  EXPECT_EQ(refused.code(), 2001);
  EXPECT_EQ(zero.export_status("r1").http, 404) << "nothing was queued";
  NemoClient ten(server_->url());
  ten.token = "tok-ten";
  ASSERT_EQ(ten.new_session().code(), 0);
  auto made = ten.start_export("r2", hand_made_music(20));
  ASSERT_EQ(made.code(), 0) << made.body;
  auto done = ten.export_and_download("r2", data_ / "r2.m4a", 120, 50);
  EXPECT_EQ(done.data()["status"], "completed") << done.body;
  EXPECT_EQ(ten.credits().data(), (json{{"available", 8}, {"frozen", 0}, {"total", 8}})) << "20 s of new music: 2 credits";
}

TEST_F(Hostile, F9_TheTokenFileIsTheTruthAtEveryStartAndOnSighup) {
  server_.reset();
  const fs::path file = data_ / "tokens.txt";
  std::ofstream(file) << "tok-beta 50\ntok-gamma 20\n";
  serve({"--token-file", file.string()});
  NemoClient beta(server_->url()), gamma(server_->url());
  beta.token = "tok-beta", gamma.token = "tok-gamma";
  EXPECT_EQ(beta.credits().data()["available"], 50);
  // Removed from the file, then a restart: refused. A changed count applies on top of what was spent.
  std::ofstream(file) << "tok-gamma 30\n";
  server_.reset();
  serve({"--token-file", file.string()});
  beta = NemoClient(server_->url()), gamma = NemoClient(server_->url());
  beta.token = "tok-beta", gamma.token = "tok-gamma";
  EXPECT_EQ(beta.credits().http, 401);
  EXPECT_EQ(gamma.credits().data()["available"], 30);
  // SIGHUP reads it again without a restart.
  std::ofstream(file) << "tok-beta 5\n";
  ::kill(server_->pid(), SIGHUP);
  for (int i = 0; i < 100 && server_->log().find("tokens reloaded") == std::string::npos; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE(server_->log().find("tokens reloaded: 1 issued, 1 revoked"), std::string::npos) << server_->log();
  EXPECT_EQ(gamma.credits().http, 401);
  EXPECT_EQ(beta.credits().data()["available"], 5);
}

TEST_F(Hostile, F22_RenderIdsAreEachTokensOwn) {
  NemoClient a = signed_in("client-a"), b = signed_in("client-b");
  ASSERT_EQ(a.start_export("rB1", hand_made_music(5)).code(), 0);
  auto theirs = b.start_export("rB1", hand_made_music(5));
  EXPECT_EQ(theirs.code(), 0) << "the same id is B's own render, not a 409 telling B that A has one: " << theirs.body;
  EXPECT_EQ(a.export_and_download("rB1", data_ / "a.m4a", 120, 50).data()["status"], "completed");
  EXPECT_EQ(b.export_and_download("rB1", data_ / "b.m4a", 120, 50).data()["status"], "completed");
  EXPECT_NE(test::read_file(data_ / "a.m4a"), "");
}

TEST_F(Hostile, F25_ADraftNamingAnotherSessionsMediaIsRefusedAtTheCall) {
  NemoClient a = signed_in("client-a"), b = signed_in("client-b");
  json draft = hand_made_music(5);
  draft["t"].push_back(json{{"tt", 0}, {"sg", json::array({{{"st", 0}, {"d", 5000}, {"src", "m_0123456789abcdef"}}})}});
  auto r = b.start_export("r1", draft);
  EXPECT_EQ(r.http, 400) << r.body;
  EXPECT_NE(r.body.value("message", "").find("does not hold"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace bgm
