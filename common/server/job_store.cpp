#include "server/job_store.h"

#include <limits>

namespace bgm {
namespace {

constexpr int64_t kAdmissionKey = 0x6f62736267'6d02;  // "obsbgm" 2: admissions, one at a time across boxes

// The claim: the queued render of the token with the fewest running, oldest first. PostgreSQL skips rows another
// box is claiming; the outer condition re-checks the status, so a row claimed meanwhile is left alone.
std::string claim_sql(SqlDialect dialect) {
  return std::string("UPDATE renders SET status='running', box=?1, lease_until=?2, updated=?3, attempts=attempts+1 WHERE status='queued' AND id = ("
                     "SELECT id FROM renders AS q WHERE q.status='queued' ORDER BY "
                     "(SELECT count(*) FROM renders AS r WHERE r.owner=q.owner AND r.status='running'), q.created, q.id LIMIT 1") +
         (dialect == SqlDialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING " + kRenderColumns;
}

std::string gave_up_message(int64_t failures) {
  return "The render stopped " + std::to_string(failures) +
         " times without finishing (a server was stopped or lost while running it). Export again; if it happens again, tell the server's operator.";
}

}  // namespace

JobStore::JobStore(std::shared_ptr<SharedDatabase> db, std::string box, JobLimits limits)
    : db_(std::move(db)), box_(std::move(box)), limits_(limits) {}

Result<Admission> JobStore::admit(SqlDatabase& d, const std::string& owner) {
  auto counts = d.query(
      "SELECT (SELECT count(*) FROM renders WHERE owner=?1 AND status IN ('queued','running')) + "
      "(SELECT count(*) FROM turns WHERE owner=?1 AND lease_until>=?2), "
      "(SELECT count(*) FROM renders WHERE status IN ('queued','running')) + (SELECT count(*) FROM turns WHERE lease_until>=?2)",
      {owner, now_ms()});
  if (!counts) return counts.error();
  const SqlRow& row = counts->rows.at(0);
  if (row.integer(0) >= limits_.per_owner || row.integer(1) >= limits_.total) return Admission::kBusy;
  return Admission::kAdmitted;
}

Result<Admission> JobStore::admit_render(const RenderRecord& render) {
  return db_->with([&](SqlDatabase& d) -> Result<Admission> {
    Admission out = Admission::kAdmitted;
    auto ok = d.transaction(
        [&]() -> Status {
          auto taken = d.query("SELECT 1 FROM renders WHERE id=?", {render.id});
          if (!taken) return taken.error();
          if (!taken->rows.empty()) {
            out = Admission::kExists;
            return {};
          }
          auto a = admit(d, render.owner);
          if (!a) return a.error();
          out = *a;
          if (out != Admission::kAdmitted) return {};
          if (render.credits > 0) {
            auto frozen = freeze_credits_in(d, render.owner, render.credits);
            if (!frozen) return frozen.error();
            if (!*frozen) {
              out = Admission::kNoCredits;
              return {};
            }
          }
          RenderRecord queued = render;
          queued.status = RenderStatus::kQueued;
          if (auto put = put_render_in(d, queued); !put) return put;
          return d.notify("obs_bgm_work");  // sent at commit
        },
        kAdmissionKey);
    if (!ok) return ok.error();
    return out;
  });
}

Result<Admission> JobStore::admit_turn(const std::string& turn, const std::string& owner, const std::string& session) {
  auto admitted = db_->with([&](SqlDatabase& d) -> Result<Admission> {
    Admission out = Admission::kAdmitted;
    auto ok = d.transaction(
        [&]() -> Status {
          auto a = admit(d, owner);
          if (!a) return a.error();
          out = *a;
          if (out != Admission::kAdmitted) return {};
          auto put = d.query("INSERT INTO turns(id, owner, session, box, lease_until, frozen) VALUES(?,?,?,?,?,0)",
                             {turn, owner, session, box_, now_ms() + limits_.lease_ms});
          if (!put) return put.error();
          return {};
        },
        kAdmissionKey);
    if (!ok) return ok.error();
    return out;
  });
  if (admitted && *admitted == Admission::kAdmitted) {
    std::lock_guard lock(mine_mutex_);
    turns_.insert(turn);
  }
  return admitted;
}

Result<bool> JobStore::freeze_for_turn(const std::string& turn, const std::string& owner, int64_t n) {
  return db_->with([&](SqlDatabase& d) -> Result<bool> {
    bool frozen = false;
    auto ok = d.transaction([&]() -> Status {
      auto f = freeze_credits_in(d, owner, n);
      if (!f) return f.error();
      frozen = *f;
      if (!frozen) return {};
      auto mark = d.query("UPDATE turns SET frozen=frozen+? WHERE id=?", {n, turn});
      if (!mark) return mark.error();
      return {};
    });
    if (!ok) return ok.error();
    return frozen;
  });
}

Status JobStore::settle_for_turn(const std::string& turn, const std::string& owner, int64_t frozen, int64_t charged) {
  return db_->with([&](SqlDatabase& d) -> Status {
    return d.transaction([&]() -> Status {
      // Only what the turn's row still holds: a box that lost its turn (its row reclaimed) has nothing to settle.
      auto held = d.query("UPDATE turns SET frozen=frozen-?1 WHERE id=?2 AND frozen>=?1", {frozen, turn});
      if (!held) return held.error();
      if (held->affected == 0) return {};
      return settle_credits_in(d, owner, frozen, charged);
    });
  });
}

Status JobStore::end_turn(const std::string& turn) {
  {
    std::lock_guard lock(mine_mutex_);
    turns_.erase(turn);
  }
  return db_->with([&](SqlDatabase& d) -> Status {
    return d.transaction([&]() -> Status {
      // A turn that ended with credits still frozen (it failed between freeze and settle) returns them.
      auto gone = d.query("DELETE FROM turns WHERE id=? RETURNING owner, frozen", {turn});
      if (!gone) return gone.error();
      for (const auto& row : gone->rows)
        if (row.integer(1) > 0)
          if (auto ok = settle_credits_in(d, row.text(0), row.integer(1), 0); !ok) return ok;
      return {};
    });
  });
}

Result<std::optional<RenderRecord>> JobStore::claim() {
  auto claimed = db_->with([&](SqlDatabase& d) -> Result<std::optional<RenderRecord>> {
    const int64_t now = now_ms();
    auto r = d.query(claim_sql(d.dialect()), {box_, now + limits_.lease_ms, now});
    if (!r) return r.error();
    if (r->rows.empty()) return std::optional<RenderRecord>();
    return std::optional<RenderRecord>(render_from(r->rows.front()));
  });
  if (claimed && *claimed) {
    std::lock_guard lock(mine_mutex_);
    renders_.insert((*claimed)->id);
  }
  return claimed;
}

Result<bool> JobStore::finish(const RenderRecord& render) {
  {
    std::lock_guard lock(mine_mutex_);
    renders_.erase(render.id);
  }
  return db_->with([&](SqlDatabase& d) -> Result<bool> {
    bool held = false;
    auto ok = d.transaction([&]() -> Status {
      auto r = d.query(
          "UPDATE renders SET status=?, file=?, download_key=?, expires=?, error=?, updated=?, lease_until=0 "
          "WHERE id=? AND box=? AND status='running'",
          {render_status_name(render.status), render.file, render.download_key, render.expires_ms, render.error, now_ms(), render.id, box_});
      if (!r) return r.error();
      held = r->affected == 1;
      if (!held || render.credits <= 0) return {};
      return settle_credits_in(d, render.owner, render.credits, render.status == RenderStatus::kCompleted ? render.credits : 0);
    });
    if (!ok) return ok.error();
    return held;
  });
}

Result<std::vector<std::string>> JobStore::renew() {
  std::set<std::string> renders, turns;
  {
    std::lock_guard lock(mine_mutex_);
    renders = renders_;
    turns = turns_;
  }
  const int64_t until = now_ms() + limits_.lease_ms;
  return db_->with([&](SqlDatabase& d) -> Result<std::vector<std::string>> {
    std::vector<std::string> lost;
    for (const auto& id : renders) {
      auto r = d.query("UPDATE renders SET lease_until=? WHERE id=? AND box=? AND status='running'", {until, id, box_});
      if (!r) return r.error();
      if (r->affected == 0) lost.push_back(id);
    }
    for (const auto& id : turns) {
      auto r = d.query("UPDATE turns SET lease_until=? WHERE id=?", {until, id});
      if (!r) return r.error();
    }
    return lost;
  });
}

Result<ReclaimReport> JobStore::reclaim(int64_t now) {
  return db_->with([&](SqlDatabase& d) -> Result<ReclaimReport> {
    ReclaimReport report;
    auto ok = d.transaction([&]() -> Status {
      auto failed = d.query(
          "UPDATE renders SET status='failed', error=?1, box='', lease_until=0, failures=failures+1, updated=?2 "
          "WHERE status='running' AND lease_until<?2 AND failures+1>=?3 RETURNING owner, credits",
          {gave_up_message(limits_.max_failures), now, limits_.max_failures});
      if (!failed) return failed.error();
      for (const auto& row : failed->rows)
        if (row.integer(1) > 0)
          if (auto s = settle_credits_in(d, row.text(0), row.integer(1), 0); !s) return s;
      report.failed = static_cast<int>(failed->rows.size());
      auto back = d.query("UPDATE renders SET status='queued', box='', lease_until=0, failures=failures+1, updated=?1 WHERE status='running' AND lease_until<?1",
                          {now});
      if (!back) return back.error();
      report.requeued = static_cast<int>(back->affected);
      auto dead = d.query("DELETE FROM turns WHERE lease_until<? RETURNING owner, frozen", {now});
      if (!dead) return dead.error();
      for (const auto& row : dead->rows)
        if (row.integer(1) > 0)
          if (auto s = settle_credits_in(d, row.text(0), row.integer(1), 0); !s) return s;
      report.turns = static_cast<int>(dead->rows.size());
      if (report.requeued > 0) return d.notify("obs_bgm_work");
      return {};
    });
    if (!ok) return ok.error();
    return report;
  });
}

Status JobStore::requeue_mine() {
  {
    std::lock_guard lock(mine_mutex_);
    renders_.clear();
  }
  return db_->with([&](SqlDatabase& d) -> Status {
    auto r = d.query("UPDATE renders SET status='queued', box='', lease_until=0 WHERE box=? AND status='running'", {box_});
    if (!r) return r.error();
    if (r->affected > 0) return d.notify("obs_bgm_work");
    return {};
  });
}

Result<ReclaimReport> JobStore::recover_alone() {
  // Every lease of a stopped process has run out; its turns' credits return with every other freeze below.
  auto report = db_->with([&](SqlDatabase& d) -> Result<int> {
    auto gone = d.query("DELETE FROM turns");
    if (!gone) return gone.error();
    return static_cast<int>(gone->affected);
  });
  if (!report) return report.error();
  auto reclaimed = reclaim(std::numeric_limits<int64_t>::max());
  if (!reclaimed) return reclaimed.error();
  reclaimed->turns = *report;
  // Freezes recomputed: all returned, then each waiting render's cost frozen again (failed when it no longer can be).
  return db_->with([&](SqlDatabase& d) -> Result<ReclaimReport> {
    auto ok = d.transaction([&]() -> Status {
      if (auto r = d.query("UPDATE tokens SET available = available + frozen, frozen = 0 WHERE frozen > 0"); !r) return r.error();
      auto waiting = d.query("SELECT id, owner, credits FROM renders WHERE status='queued' AND credits>0 ORDER BY created");
      if (!waiting) return waiting.error();
      for (const auto& row : waiting->rows) {
        auto frozen = freeze_credits_in(d, row.text(1), row.integer(2));
        if (!frozen) return frozen.error();
        if (*frozen) continue;
        auto out = d.query("UPDATE renders SET status='failed', error=?, updated=? WHERE id=?",
                           {"Out of credits: this export needs " + std::to_string(row.integer(2)) + ".", now_ms(), row.text(0)});
        if (!out) return out.error();
        ++reclaimed->failed;
      }
      return {};
    });
    if (!ok) return ok.error();
    return *reclaimed;
  });
}

}  // namespace bgm
