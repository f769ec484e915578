// The store's PostgreSQL end on a throw-away cluster, beside the SQLite end: the same calls give the same records,
// credits move with one conditional update under contention, and the helpers that keep passwords out of messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "server/job_store.h"
#include "session/session_store.h"
#include "store/postgres.h"
#include "support/pg_cluster.h"

namespace bgm {
namespace {

TEST(PostgresText, PlaceholdersBecomeNumberedOutsideQuotedText) {
  EXPECT_EQ(to_dollar_params("SELECT a FROM t WHERE b=? AND c=?"), "SELECT a FROM t WHERE b=$1 AND c=$2");
  EXPECT_EQ(to_dollar_params("UPDATE t SET a=a-?1 WHERE h=?2 AND a>=?1"), "UPDATE t SET a=a-$1 WHERE h=$2 AND a>=$1");
  EXPECT_EQ(to_dollar_params("SELECT '?', \"?\" FROM t WHERE x='it''s ?' AND y=?"), "SELECT '?', \"?\" FROM t WHERE x='it''s ?' AND y=$1");
}

TEST(PostgresText, PasswordsNeverReachAMessage) {
  EXPECT_EQ(redact_postgres_url("postgresql://obsbgm:s3cret@db.lan:5432/obsbgm"), "postgresql://obsbgm:***@db.lan:5432/obsbgm");
  EXPECT_EQ(redact_postgres_url("postgres://obsbgm@db.lan/obsbgm"), "postgres://obsbgm@db.lan/obsbgm");
  EXPECT_EQ(redact_postgres_url("host=db.lan dbname=obsbgm password=s3cret user=x"), "host=db.lan dbname=obsbgm password=*** user=x");
  EXPECT_EQ(redact_postgres_url("dbname=obsbgm password='a b'"), "dbname=obsbgm password=***");
  auto refused = open_postgres("postgresql://obsbgm:s3cret@127.0.0.1:1/obsbgm");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("Could not reach the database"), std::string::npos) << refused.error().message;
}

class StoreEnds : public ::testing::TestWithParam<bool> {  // true: PostgreSQL
 protected:
  void SetUp() override {
    if (GetParam()) {
      cluster_ = std::make_unique<test::PgCluster>();
      ASSERT_TRUE(cluster_->error().empty()) << cluster_->error();
      const std::string url = cluster_->create_database("store_" + std::to_string(::getpid()));
      auto db = open_postgres(url);
      ASSERT_TRUE(db) << db.error().message;
      auto s = SessionStore::open(dir_ / "data", std::move(db).value());
      ASSERT_TRUE(s) << s.error().message;
      store_ = std::move(s).value();
      url_ = url;
    } else {
      auto s = SessionStore::open(dir_ / "data");
      ASSERT_TRUE(s) << s.error().message;
      store_ = std::move(s).value();
    }
  }
  test::TempDir dir_;
  std::unique_ptr<test::PgCluster> cluster_;  // PostgreSQL only
  std::unique_ptr<SessionStore> store_;
  std::string url_;
};

TEST_P(StoreEnds, RecordsComeBackAsTheyWereWritten) {
  TokenRecord t{"hash1", "client", true, 1733000000123, 1733600000123, 100, 100, 0, -1};
  ASSERT_TRUE(store_->put_token(t));
  auto back = store_->token("hash1");
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->created_ms, 1733000000123) << "times in ms need 64 bits";
  EXPECT_EQ((*back)->granted, -1);
  t.available = 50;
  ASSERT_TRUE(store_->put_token(t)) << "writing a token again replaces it";
  EXPECT_EQ((*store_->token("hash1"))->available, 50);
  auto s = store_->create_session("hash1", "zh");
  ASSERT_TRUE(s);
  for (const char* name : {"b.mp4", "a.mp4", "c.mp4"}) {
    MediaRecord m;
    m.id = std::string("m_") + name;
    m.session = s->id;
    m.kind = "upload";
    m.name = name;
    m.info = {{"duration_ms", 6000}};
    ASSERT_TRUE(store_->add_media(m));
  }
  auto media = store_->media(s->id);
  ASSERT_TRUE(media);
  ASSERT_EQ(media->size(), 3u);
  EXPECT_EQ((*media)[0].name, "b.mp4") << "upload order, not name order";
  EXPECT_EQ((*media)[2].name, "c.mp4");
  EXPECT_EQ((*media)[1].info["duration_ms"], 6000);
  Draft d;
  DraftMusic music;
  music.duration_ms = 6000;
  music.style = "lofi";
  d.set_music(music);
  ASSERT_TRUE(store_->focus(s->id, "m_a.mp4", d));
  auto timeline = store_->timeline(s->id, "m_a.mp4");
  ASSERT_TRUE(timeline && *timeline);
  EXPECT_EQ((*timeline)->music()->style, "lofi");
  ASSERT_TRUE(store_->save_draft(s->id, d)) << "saving the focused timeline again updates it";
  EXPECT_EQ((*store_->session(s->id))->focus, "m_a.mp4");
}

TEST_P(StoreEnds, CreditsSpentFromManyThreadsNeverGoBelowZero) {
  ASSERT_TRUE(store_->put_token(TokenRecord{"spender", "", false, 1, 0, 10, 10, 0, -1}));
  std::atomic<int> frozen{0};
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<SessionStore>> more;  // with PostgreSQL: other connections, as other boxes
  for (int i = 0; i < 3 && GetParam(); ++i) {
    auto db = open_postgres(url_);
    ASSERT_TRUE(db);
    more.push_back(std::move(SessionStore::open(dir_ / "data", std::move(db).value())).value());
  }
  for (int i = 0; i < 8; ++i) {
    SessionStore& s = more.empty() ? *store_ : *more[static_cast<size_t>(i) % more.size()];
    threads.emplace_back([&s, &frozen] {
      for (int k = 0; k < 5; ++k)
        if (auto ok = s.freeze_credits("spender", 1); ok && *ok) ++frozen;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(frozen, 10) << "exactly the balance, from 40 attempts";
  auto t = store_->token("spender");
  EXPECT_EQ((*t)->available, 0);
  EXPECT_EQ((*t)->frozen, 10);
  ASSERT_TRUE(store_->settle_credits("spender", 10, 4));
  t = store_->token("spender");
  EXPECT_EQ((*t)->available, 6);
  EXPECT_EQ((*t)->total, 6);
  EXPECT_EQ((*t)->frozen, 0);
}

TEST_P(StoreEnds, OpeningAgainKeepsEverythingAndTakesNoStepTwice) {
  ASSERT_TRUE(store_->put_token(TokenRecord{"kept", "", false, 1, 0, 7, 7, 0, 7}));
  store_.reset();
  std::unique_ptr<SqlDatabase> db;
  if (GetParam()) db = std::move(open_postgres(url_)).value();
  auto again = GetParam() ? SessionStore::open(dir_ / "data", std::move(db)) : SessionStore::open(dir_ / "data");
  ASSERT_TRUE(again) << again.error().message;
  auto t = (*again)->token("kept");
  ASSERT_TRUE(t && *t);
  EXPECT_EQ((*t)->available, 7);
  auto version = (*again)->database()->with([](SqlDatabase& d) { return d.query("SELECT version FROM schema_version"); });
  ASSERT_TRUE(version);
  ASSERT_EQ(version->rows.size(), 1u);
  EXPECT_GE(version->rows[0].integer(0), 8);
}

RenderRecord queued_render(const std::string& owner, const std::string& id, int64_t credits, int64_t created) {
  RenderRecord r;
  r.id = render_key(owner, id);
  r.owner = owner;
  r.session = "s_x";
  r.credits = credits;
  r.created_ms = created;
  return r;
}

TEST_P(StoreEnds, ARenderWhoseLeaseRunsOutFiveTimesFailsWithAMessageAndItsCreditsReturn) {
  ASSERT_TRUE(store_->put_token(TokenRecord{"owner", "", false, 1, 0, 10, 10, 0, -1}));
  JobLimits limits;
  limits.lease_ms = 1000;
  JobStore jobs(store_->database(), "box-a", limits);
  ASSERT_EQ(*jobs.admit_render(queued_render("owner", "r1", 3, 1)), Admission::kAdmitted);
  EXPECT_EQ((*store_->token("owner"))->available, 7) << "frozen while it waits";
  int64_t now = now_ms();
  for (int i = 0; i < 5; ++i) {
    auto claimed = jobs.claim();
    ASSERT_TRUE(claimed && *claimed) << "attempt " << i;
    now += limits.lease_ms + 1;  // the box died: nobody renews
    auto back = jobs.reclaim(now);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->requeued + back->failed, 1);
  }
  auto r = store_->render(render_key("owner", "r1"));
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->status, RenderStatus::kFailed);
  EXPECT_NE((*r)->error.find("stopped 5 times"), std::string::npos) << (*r)->error;
  auto t = store_->token("owner");
  EXPECT_EQ((*t)->available, 10);
  EXPECT_EQ((*t)->frozen, 0);
  EXPECT_FALSE(*jobs.claim()) << "a failed render is not claimed again";
}

TEST_P(StoreEnds, TheTokenWithFewestRendersRunningGoesFirstAndTheCapsHold) {
  JobLimits limits;
  limits.per_owner = 4;
  limits.total = 6;
  JobStore a(store_->database(), "box-a", limits), b(store_->database(), "box-b", limits);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(*a.admit_render(queued_render("busy", "r" + std::to_string(i), 0, 10 + i)), Admission::kAdmitted);
  EXPECT_EQ(*b.admit_render(queued_render("busy", "r4", 0, 20)), Admission::kBusy) << "4 per token, on any box";
  EXPECT_EQ(*b.admit_turn("turn_1", "busy", "s_x"), Admission::kBusy) << "turns count too";
  EXPECT_EQ(*b.admit_render(queued_render("quiet", "q0", 0, 30)), Admission::kAdmitted);
  EXPECT_EQ(*a.admit_turn("turn_2", "other", "s_y"), Admission::kAdmitted);
  EXPECT_EQ(*b.admit_render(queued_render("third", "t0", 0, 40)), Admission::kBusy) << "6 in all";
  EXPECT_EQ(*b.admit_render(queued_render("busy", "r0", 0, 50)), Admission::kExists);
  auto first = a.claim();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->owner, "busy") << "oldest first";
  auto second = b.claim();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->owner, "quiet") << "then the token with none running, though it came later";
  ASSERT_TRUE(a.end_turn("turn_2"));
  EXPECT_EQ(*b.admit_render(queued_render("third", "t0", 0, 40)), Admission::kAdmitted) << "an ended turn frees its place";
}

TEST_P(StoreEnds, TheCreditsOfATurnWhoseBoxDiedComeBack) {
  ASSERT_TRUE(store_->put_token(TokenRecord{"talker", "", false, 1, 0, 10, 10, 0, -1}));
  JobLimits limits;
  limits.lease_ms = 1000;
  JobStore dead(store_->database(), "box-dead", limits), alive(store_->database(), "box-alive", limits);
  ASSERT_EQ(*dead.admit_turn("turn_x", "talker", "s_x"), Admission::kAdmitted);
  ASSERT_TRUE(*dead.freeze_for_turn("turn_x", "talker", 4));
  EXPECT_EQ((*store_->token("talker"))->available, 6);
  auto back = alive.reclaim(now_ms() + 5000);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->turns, 1);
  auto t = store_->token("talker");
  EXPECT_EQ((*t)->available, 10);
  EXPECT_EQ((*t)->frozen, 0);
  ASSERT_TRUE(dead.settle_for_turn("turn_x", "talker", 4, 4));
  EXPECT_EQ((*store_->token("talker"))->total, 10) << "a box that comes back late settles nothing it no longer holds";
}

INSTANTIATE_TEST_SUITE_P(Ends, StoreEnds, ::testing::Values(true, false),
                         [](const auto& info) { return std::string(info.param ? "Postgres" : "Sqlite"); });

}  // namespace
}  // namespace bgm
