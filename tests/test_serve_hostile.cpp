// `obs-bgm serve` as its own process, attacked the way the outside audit did (../shared/notes/serve-audit.md, kept
// here by finding: F1 ... F26), with the audit's own inputs over real loopback connections. What each test checks
// is what the studio would: the server still answers, nothing of it leaks, its data stays right.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
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

}  // namespace
}  // namespace bgm
