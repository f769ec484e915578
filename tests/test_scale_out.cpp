// Several render boxes (issue 27, docs/scale-out.md): a throw-away PostgreSQL cluster, two `obs-bgm serve` boxes on
// one shared data folder and HAProxy in front (its configuration taken from the docs), all on loopback; and the
// same cases on one box with SQLite. Leases are 6 s here (OBS_BGM_NEMO_TIME_SCALE=0.1), renewed every 2 s.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "draft/draft.h"
#include "support/nemo_client.h"
#include "support/render_farm.h"

namespace bgm {
namespace {
namespace fs = std::filesystem;
using json = nlohmann::json;
using test::FarmKind;
using test::NemoClient;
using test::RenderFarm;

test::PgCluster* cluster() {
  static test::PgCluster* c = new test::PgCluster();  // one per test program; stopped when the program ends
  static const bool stopped_at_exit = [] {
    std::atexit([] { delete c; });
    return true;
  }();
  (void)stopped_at_exit;
  return c;
}


// A draft of music alone, `seconds` long: an export of it makes new music (1 credit per started 10 s).
json music_draft(int seconds, uint64_t seed) {
  Draft d;
  DraftMusic m;
  m.duration_ms = seconds * 1000;
  m.style = "lofi";
  m.prompt = "calm lo-fi";
  m.seed = seed;
  d.set_music(m);
  return d.as_json();
}

// A token and a session of it, for clients on any box.
struct Account {
  std::string token, session;
};

Account sign_in(const std::string& base, const std::string& client) {
  NemoClient c(base);
  auto t = c.anonymous_token(client);
  c.token = t.data().value("token", "");
  c.new_session();
  return {c.token, c.session};
}

// A client of `account` on the box or balancer at `base`.
std::unique_ptr<NemoClient> on(const std::string& base, const Account& account) {
  auto c = std::make_unique<NemoClient>(base);
  c->token = account.token;
  c->session = account.session;
  return c;
}

// The render's row: status, box, attempts, failures.
struct RenderRow {
  std::string status, box;
  int64_t attempts = 0, failures = 0;
};

std::map<std::string, RenderRow> render_rows(RenderFarm& farm) {
  std::map<std::string, RenderRow> out;
  auto rows = farm.sql("SELECT id, status, box, attempts, failures FROM renders");
  if (!rows) return out;
  for (const auto& r : rows->rows) out[r.text(0)] = {r.text(1), r.text(2), r.integer(3), r.integer(4)};
  return out;
}

// Waits until every render of the farm is completed or failed (at most `seconds`).
bool all_finished(RenderFarm& farm, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    auto left = farm.sql("SELECT count(*) FROM renders WHERE status IN ('queued','running')");
    if (left && left->rows.at(0).integer(0) == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// A download link, fetched from `base` instead of the host it names.
long fetch_from(const std::string& base, const std::string& link, const fs::path& to) {
  const std::string path = link.substr(link.find("/download/"));
  return std::atol(test::run("curl -s -o " + test::quote(to.string()) + " -w '%{http_code}' " + test::quote(base + path)).out.c_str());
}

class ScaleOut : public ::testing::TestWithParam<FarmKind> {
 protected:
  std::unique_ptr<RenderFarm> farm(std::vector<std::string> args = {"--workers", "2"}) {
    test::FarmOptions o;
    o.kind = GetParam();
    o.serve_args = std::move(args);
    auto f = std::make_unique<RenderFarm>(o, GetParam() == FarmKind::kPostgres ? cluster() : nullptr);
    return f;
  }
  bool two_boxes() const { return GetParam() == FarmKind::kPostgres; }
  size_t other() const { return two_boxes() ? 1 : 0; }  // "box B": the second box, or the one box with SQLite
  test::TempDir dir_;
};

TEST_P(ScaleOut, ASessionMadeOnOneBoxIsServedByAnyBox) {
  auto f = farm();
  ASSERT_TRUE(f->error().empty()) << f->error();
  test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=6 -f lavfi -i sine=f=220:d=6 -c:v libx264 -preset ultrafast -c:a aac -shortest " +
            test::quote((dir_ / "clip.mp4").string()));
  const Account me = sign_in(f->box(0), "client-any-box");  // the session is made on box A
  auto pa = on(f->box(0), me), pb = on(f->box(other()), me), pf = on(f->front(), me);
  NemoClient &a = *pa, &b = *pb, &front = *pf;
  auto up = b.upload(dir_ / "clip.mp4");  // its upload is received by box B
  ASSERT_EQ(up.code(), 0) << up.body.dump() << f->logs();
  auto turn = front.chat("calm lo-fi under my clip");  // the turn runs wherever HAProxy sends it
  ASSERT_FALSE(turn.events.empty()) << turn.error_body << f->logs();
  EXPECT_FALSE(turn.events.back().contains("errorCode")) << turn.events.back().dump();
  const json state = b.state().data()["state"];  // and every box reads the same state
  EXPECT_EQ(state, a.state().data()["state"]);
  ASSERT_FALSE(state["generated_media"].empty()) << state.dump();
  ASSERT_EQ(front.start_export("render_any").code(), 0);
  auto done = front.export_and_download("render_any", dir_ / "front.mp4", 180);
  ASSERT_EQ(done.data().value("status", ""), "completed") << done.body.dump() << f->logs();
  const std::string link = done.data()["output"]["url"];
  EXPECT_EQ(link.rfind(f->front(), 0), 0u) << "the link points where the client called: " << link;
  ASSERT_EQ(fetch_from(f->box(0), link, dir_ / "from-a.mp4"), 200) << "the download from box A";
  ASSERT_EQ(fetch_from(f->box(other()), link, dir_ / "from-b.mp4"), 200) << "and from box B";
  EXPECT_NEAR(test::ffprobe_duration(dir_ / "from-a.mp4"), test::ffprobe_duration(dir_ / "clip.mp4"), 0.1);
  EXPECT_EQ(test::read_file(dir_ / "from-a.mp4"), test::read_file(dir_ / "from-b.mp4"));
  const json credits = a.credits().data();
  EXPECT_EQ(credits["frozen"], 0);
  EXPECT_LT(credits["available"].get<int>(), 100) << "the turn's music was charged, once";
}

TEST_P(ScaleOut, FiftyRendersSubmittedAtOnceEachRunExactlyOnce) {
  auto f = farm();
  ASSERT_TRUE(f->error().empty()) << f->error();
  // 4 renders per token is the cap: 13 tokens, all submitted at once through HAProxy.
  constexpr int kRenders = 50, kPerToken = 4;
  std::vector<Account> accounts;
  for (int t = 0; t * kPerToken < kRenders; ++t) accounts.push_back(sign_in(f->front(), "client-fifty-" + std::to_string(t)));
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  std::vector<std::string> refused(kRenders);
  for (int i = 0; i < kRenders; ++i) {
    threads.emplace_back([&, i] {
      auto a = on(f->front(), accounts[static_cast<size_t>(i / kPerToken)])->start_export("r" + std::to_string(i), music_draft(3, static_cast<uint64_t>(i + 1)));
      if (a.code() == 0) ++accepted;
      else refused[static_cast<size_t>(i)] = a.body.dump();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : refused) EXPECT_TRUE(r.empty()) << r;
  ASSERT_EQ(accepted, kRenders);
  ASSERT_TRUE(all_finished(*f, 300)) << f->logs();
  const auto rows = render_rows(*f);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRenders));
  std::set<std::string> boxes;
  for (const auto& [id, r] : rows) {
    EXPECT_EQ(r.status, "completed") << id;
    EXPECT_EQ(r.attempts, 1) << id << " was started " << r.attempts << " times";
    EXPECT_EQ(r.failures, 0) << id;
    boxes.insert(r.box);
  }
  EXPECT_EQ(boxes.size(), two_boxes() ? 2u : 1u) << "both boxes took renders from the queue";
  auto files = f->sql("SELECT count(DISTINCT file) FROM renders WHERE file<>''");
  ASSERT_TRUE(files);
  EXPECT_EQ(files->rows.at(0).integer(0), kRenders) << "one file per render";
  size_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(f->data_dir() / "renders")) on_disk += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(on_disk, static_cast<size_t>(kRenders)) << "no render was run twice (nor left a second file)";
  const json credits = on(f->front(), accounts[0])->credits().data();
  EXPECT_EQ(credits["frozen"], 0);
  EXPECT_EQ(credits["available"], 100 - kPerToken) << "each render charged once";
}

TEST_P(ScaleOut, ARenderOfABoxKilledMidRenderIsFinishedByAnother) {
  auto f = farm();
  ASSERT_TRUE(f->error().empty()) << f->error();
  if (two_boxes()) ASSERT_TRUE(f->stop_box(1, SIGTERM));  // box A alone takes the render
  const Account me = sign_in(f->box(0), "client-killed");
  ASSERT_EQ(on(f->box(0), me)->start_export("long", music_draft(40, 7)).code(), 0);
  std::string status;
  for (int i = 0; i < 600 && status != "running"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto rows = render_rows(*f);
    status = rows.empty() ? "" : rows.begin()->second.status;
  }
  ASSERT_EQ(status, "running");
  ASSERT_TRUE(f->stop_box(0, SIGKILL));  // kill -9 mid-render
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(f->start_box(other())) << f->logs();  // the other box (with SQLite: the same box, restarted)
  auto pagain = on(f->front(), me);
  NemoClient& again = *pagain;
  auto done = again.export_and_download("long", dir_ / "long.m4a", 120);
  ASSERT_EQ(done.data().value("status", ""), "completed") << done.body.dump() << f->logs();
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  if (two_boxes()) EXPECT_GT(waited, 4.0) << "taken over once the 6 s lease ran out, not before";
  EXPECT_NEAR(test::ffprobe_duration(dir_ / "long.m4a"), 40.0, 0.2);
  const RenderRow row = render_rows(*f).begin()->second;
  if (two_boxes()) EXPECT_NE(row.box.find("/" + std::to_string(f->process(1)->pid()) + "/"), std::string::npos) << "box B finished it: " << row.box;
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.failures, 1);
  const json credits = again.credits().data();
  EXPECT_EQ(credits["frozen"], 0);
  EXPECT_EQ(credits["available"], 96) << "40 s of new music, charged once";
}

TEST_P(ScaleOut, CreditsSpentOnBothBoxesAtOnceNeverGoBelowZero) {
  // 3 credits a token; each export costs 2: of four at once (two on each box), exactly one can be paid for.
  auto f = farm({"--workers", "2", "--credits", "3"});
  ASSERT_TRUE(f->error().empty()) << f->error();
  constexpr int kTokens = 6;
  std::vector<Account> accounts;
  for (int t = 0; t < kTokens; ++t) accounts.push_back(sign_in(f->front(), "client-credits-" + std::to_string(t)));
  std::atomic<bool> watching{true};
  std::atomic<int64_t> lowest{1000};
  std::thread watcher([&] {
    while (watching) {
      if (auto m = f->sql("SELECT min(available), min(frozen) FROM tokens"); m && !m->rows.empty()) {
        lowest = std::min<int64_t>(lowest, std::min(m->rows[0].integer(0), m->rows[0].integer(1)));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::vector<std::thread> threads;
  std::vector<std::atomic<int>> paid(kTokens);
  for (int t = 0; t < kTokens; ++t) {
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, t, i] {
        auto c = on(f->box(i % 2 == 0 ? 0 : other()), accounts[static_cast<size_t>(t)]);
        if (c->start_export("spend" + std::to_string(i), music_draft(15, static_cast<uint64_t>(t * 4 + i + 1))).code() == 0) ++paid[static_cast<size_t>(t)];
      });
    }
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(all_finished(*f, 180)) << f->logs();
  watching = false;
  watcher.join();
  EXPECT_GE(lowest, 0) << "no balance or freeze went below zero";
  for (int t = 0; t < kTokens; ++t) {
    EXPECT_EQ(paid[static_cast<size_t>(t)], 1) << "token " << t;
    const json credits = on(f->front(), accounts[static_cast<size_t>(t)])->credits().data();
    EXPECT_EQ(credits["available"], 1) << credits.dump();
    EXPECT_EQ(credits["frozen"], 0);
    EXPECT_EQ(credits["total"], 1);
  }
}

TEST_P(ScaleOut, ABoxRestartedMidWorkStrandsNothing) {
  auto f = farm({"--workers", "1"});
  ASSERT_TRUE(f->error().empty()) << f->error();
  std::vector<Account> accounts;
  for (int t = 0; t < 2; ++t) accounts.push_back(sign_in(f->front(), "client-restart-" + std::to_string(t)));
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(on(f->front(), accounts[static_cast<size_t>(i % 2)])->start_export("w" + std::to_string(i), music_draft(12, static_cast<uint64_t>(i + 1))).code(), 0);
  }
  // Box A is stopped (SIGTERM) while it runs a render, then started again.
  const std::string box_a = "%/" + std::to_string(f->process(0)->pid()) + "/%";
  bool a_running = false;
  for (int i = 0; i < 1000 && !a_running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto r = f->sql("SELECT count(*) FROM renders WHERE status='running' AND box LIKE ?", {box_a});
    a_running = r && r->rows.at(0).integer(0) > 0;
  }
  ASSERT_TRUE(a_running);
  ASSERT_TRUE(f->stop_box(0, SIGTERM));
  ASSERT_TRUE(f->start_box(0)) << f->logs();
  ASSERT_TRUE(all_finished(*f, 180)) << f->logs();
  int started_twice = 0;
  for (const auto& [id, r] : render_rows(*f)) {
    EXPECT_EQ(r.status, "completed") << id;
    EXPECT_EQ(r.failures, 0) << id << ": a stop is not a failure";
    started_twice += r.attempts == 2 ? 1 : 0;
  }
  EXPECT_GE(started_twice, 1) << "the render box A was running went back to the queue and was run again";
  auto turns = f->sql("SELECT count(*) FROM turns");
  ASSERT_TRUE(turns);
  EXPECT_EQ(turns->rows.at(0).integer(0), 0);
  for (const auto& account : accounts) {
    const json credits = on(f->front(), account)->credits().data();
    EXPECT_EQ(credits["frozen"], 0);
    EXPECT_EQ(credits["available"], 100 - 4 * 2) << "four renders of 12 s, each charged once";
  }
}

INSTANTIATE_TEST_SUITE_P(Boxes, ScaleOut, ::testing::Values(FarmKind::kPostgres, FarmKind::kSqlite),
                         [](const auto& info) { return std::string(info.param == FarmKind::kPostgres ? "TwoOnPostgres" : "OneOnSqlite"); });

// Draining through HAProxy's runtime API, as docs/scale-out.md says: no new calls reach the box; stopped, its
// work goes on on the other box.
TEST(ScaleOutDeploy, ADrainedBoxGetsNoNewCallsAndItsStopLosesNothing) {
  test::FarmOptions o;
  RenderFarm f(o, cluster());
  ASSERT_TRUE(f.error().empty()) << f.error();
  std::vector<Account> accounts;
  for (int t = 0; t < 6; ++t) accounts.push_back(sign_in(f.front(), "client-drain-" + std::to_string(t)));
  auto served_by_box2 = [&] {
    const std::string log = f.balancer_log();
    size_t n = 0;
    for (auto at = log.find("boxes/box2 "); at != std::string::npos; at = log.find("boxes/box2 ", at + 1)) ++n;
    return n;
  };
  for (const auto& a : accounts) ASSERT_EQ(on(f.front(), a)->credits().code(), 0);
  ASSERT_GT(served_by_box2(), 0u) << "both boxes serve before the drain: " << f.balancer_log();
  const std::string said = f.balancer_say("set server boxes/box2 state drain");
  EXPECT_EQ(said.find_first_not_of("\n"), std::string::npos) << "HAProxy refused: " << said;
  const size_t before = served_by_box2();
  for (const auto& a : accounts) EXPECT_EQ(on(f.front(), a)->credits().code(), 0);
  EXPECT_EQ(served_by_box2(), before) << "no new call reaches a draining box";
  ASSERT_TRUE(f.stop_box(1, SIGTERM));
  for (const auto& a : accounts) EXPECT_EQ(on(f.front(), a)->credits().code(), 0) << "every call is served by box1";
}

// An idle box hears of new work through PostgreSQL's NOTIFY, not by looking at the queue (every 20 s at real
// time): two long renders sent to box A, which runs one at a time, both start within seconds, on both boxes.
TEST(ScaleOutDeploy, AnIdleBoxIsWokenByTheDatabaseWhenWorkArrivesElsewhere) {
  test::FarmOptions o;
  o.time_scale = 1.0;
  o.serve_args = {"--workers", "1"};
  RenderFarm f(o, cluster());
  ASSERT_TRUE(f.error().empty()) << f.error();
  const Account me = sign_in(f.box(0), "client-notify");
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(on(f.box(0), me)->start_export("first", music_draft(60, 1)).code(), 0);
  ASSERT_EQ(on(f.box(0), me)->start_export("second", music_draft(60, 2)).code(), 0);
  std::set<std::string> boxes;
  while (boxes.size() < 2 && std::chrono::steady_clock::now() - sent < std::chrono::seconds(8)) {
    boxes.clear();
    if (auto r = f.sql("SELECT box FROM renders WHERE status<>'queued'")) {
      for (const auto& row : r->rows) boxes.insert(row.text(0));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(boxes.size(), 2u) << "both started within 8 s, one on each box (the queue is looked at every 20 s otherwise)\n" << f.logs();
}

// PostgreSQL restarted under running boxes (an upgrade, a crash): each box reconnects on its next call, and work
// goes on.
TEST(ScaleOutDeploy, BoxesCarryOnAfterTheDatabaseRestarts) {
  test::FarmOptions o;
  RenderFarm f(o, cluster());
  ASSERT_TRUE(f.error().empty()) << f.error();
  const Account me = sign_in(f.front(), "client-db-restart");
  ASSERT_TRUE(cluster()->restart());
  for (size_t b = 0; b < f.box_count(); ++b) {
    auto credits = on(f.box(b), me)->credits();
    EXPECT_EQ(credits.code(), 0) << "box " << b + 1 << ": " << credits.body.dump();
  }
  auto pc = on(f.front(), me);
  ASSERT_EQ(pc->start_export("after", music_draft(5, 3)).code(), 0) << f.logs();
  auto done = pc->export_and_download("after", f.data_dir().parent_path() / "after.m4a", 60);
  EXPECT_EQ(done.data().value("status", ""), "completed") << done.body.dump() << f.logs();
  EXPECT_NEAR(test::ffprobe_duration(f.data_dir().parent_path() / "after.m4a"), 5.0, 0.2);
}

// Behind HAProxy every call comes from the balancer: the boxes trust its X-Forwarded-For (--trusted-proxy), and only
// its last entry, the one HAProxy adds, so a client cannot pick the address its limits count against.
TEST(ScaleOutDeploy, ClientsBehindTheBalancerCannotChooseTheAddressTheirLimitsCount) {
  test::FarmOptions o;
  RenderFarm f(o, cluster());
  ASSERT_TRUE(f.error().empty()) << f.error();
  int given = 0, refused = 0;
  for (int i = 0; i < 34; ++i) {
    NemoClient c(f.front());
    auto a = c.call("POST", "/api/auth/anonymous-token", "", {{"X-Client-Id", "spoofer-" + std::to_string(i)}, {"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
    (a.code() == 0 ? given : refused) += 1;
  }
  EXPECT_EQ(given, 30) << "30 new tokens an hour per address, whatever X-Forwarded-For a client sends";
  EXPECT_EQ(refused, 4);
}

TEST(ScaleOutDeploy, AFolderServedOnSqliteIsNotSharedAndBoxesOnPostgresShareOne) {
  test::TempDir dir;
  test::ServeProcess alone(dir / "data");
  ASSERT_FALSE(alone.url().empty()) << alone.log();
  const std::string database = cluster()->create_database("farm_lock_" + std::to_string(::getpid()));
  test::ServeProcess box(dir / "data", {"--db", database}, dir / "box.log");
  EXPECT_TRUE(box.url().empty());
  EXPECT_NE(box.log().find("on SQLite is using the data folder"), std::string::npos) << box.log();
  test::ServeProcess second(dir / "data", {}, dir / "second.log");
  EXPECT_TRUE(second.url().empty()) << "a second server on SQLite is refused as before";
  alone.signal_and_wait(SIGTERM, 10);
  test::ServeProcess one(dir / "data", {"--db", database}, dir / "one.log"), two(dir / "data", {"--db", database}, dir / "two.log");
  EXPECT_FALSE(one.url().empty()) << one.log();
  EXPECT_FALSE(two.url().empty()) << two.log();
  test::ServeProcess sqlite_now(dir / "data", {}, dir / "sqlite-now.log");
  EXPECT_TRUE(sqlite_now.url().empty()) << "nor does a server on SQLite join boxes on PostgreSQL";
}

TEST(ScaleOutDeploy, TheDocumentedNginxAndSystemdFilesAreValid) {
  test::TempDir dir;
  std::string nginx = test::doc_block("scale-out.md", "<!-- nginx");
  ASSERT_FALSE(nginx.empty());
  { std::ofstream(dir / "nginx.conf") << "pid " << (dir / "nginx.pid").string() << ";\nerror_log stderr;\n" << nginx; }
  auto checked = test::run("nginx -t -p " + test::quote(dir.path().string()) + " -c " + test::quote((dir / "nginx.conf").string()) + " 2>&1");
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  std::string unit = test::doc_block("scale-out.md", "<!-- the unit");
  ASSERT_FALSE(unit.empty());
  const auto exec = unit.find("/usr/bin/obs-bgm");
  ASSERT_NE(exec, std::string::npos);
  unit.replace(exec, std::string("/usr/bin/obs-bgm").size(), test::cli_path());
  { std::ofstream(dir / "obs-bgm-box.service") << unit; }
  auto verified = test::run("SYSTEMD_LOG_LEVEL=warning systemd-analyze verify " + test::quote((dir / "obs-bgm-box.service").string()) + " 2>&1");
  EXPECT_EQ(verified.out.find("obs-bgm-box.service:"), std::string::npos) << verified.out;
}

// The flow docs/serve.md shows with curl, through HAProxy in front of two boxes.
TEST(ScaleOutDeploy, TheCurlFlowOfServeMdRunsThroughTheBalancer) {
  test::FarmOptions o;
  RenderFarm f(o, cluster());
  ASSERT_TRUE(f.error().empty()) << f.error();
  const std::string flow = test::doc_block("serve.md", "<!-- the curl flow:");
  ASSERT_FALSE(flow.empty());
  test::TempDir dir;
  { std::ofstream(dir / "flow.sh") << "set -e\n" << flow << "\n"; }
  test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=6 -f lavfi -i sine=f=220:d=6 -c:v libx264 -preset ultrafast -c:a aac -shortest " +
            test::quote((dir / "clip.mp4").string()));
  const auto ran = test::run("cd " + test::quote(dir.path().string()) + " && BASE=" + f.front() + " CLIP=clip.mp4 timeout 300 bash flow.sh 2>&1");
  ASSERT_EQ(ran.exit_code, 0) << ran.out << f.logs();
  EXPECT_NEAR(test::ffprobe_duration(dir / "clip-with-music.mp4"), test::ffprobe_duration(dir / "clip.mp4"), 0.1);
}

}  // namespace
}  // namespace bgm
