#include "session/session_store.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>

#include "core/json_read.h"
#include "core/json_text.h"
#include "core/random_id.h"
#include "store/sqlite.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Written once for both ends: BIGINT for times in ms (SQLite stores any integer in 64 bits; PostgreSQL's INTEGER
// would not hold them).
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, client_id TEXT, anonymous BIGINT, created BIGINT,
  expires BIGINT, total BIGINT, available BIGINT, frozen BIGINT);
CREATE TABLE IF NOT EXISTS sessions(id TEXT PRIMARY KEY, owner TEXT, task_id TEXT, language TEXT, created BIGINT,
  draft TEXT);
CREATE TABLE IF NOT EXISTS media(id TEXT PRIMARY KEY, session TEXT, kind TEXT, name TEXT, file TEXT, info TEXT,
  created BIGINT);
CREATE INDEX IF NOT EXISTS media_by_session ON media(session, created);
CREATE TABLE IF NOT EXISTS renders(id TEXT PRIMARY KEY, session TEXT, owner TEXT, status TEXT, draft TEXT,
  format TEXT, file TEXT, download_key TEXT, expires BIGINT, error TEXT, created BIGINT, updated BIGINT);
CREATE INDEX IF NOT EXISTS renders_by_key ON renders(download_key);
CREATE INDEX IF NOT EXISTS renders_by_status ON renders(status, created);
CREATE TABLE IF NOT EXISTS timelines(session TEXT, media TEXT, draft TEXT, PRIMARY KEY(session, media));
CREATE TABLE IF NOT EXISTS turns(id TEXT PRIMARY KEY, owner TEXT, session TEXT, box TEXT, lease_until BIGINT,
  frozen BIGINT DEFAULT 0);
CREATE TABLE IF NOT EXISTS schema_version(version BIGINT);
)sql";

// What a database made by an earlier version lacks, in order; schema_version counts the steps taken. A database
// from before that count existed retakes them: a column that is there already fails as a duplicate, and is skipped.
constexpr const char* kMigrations[] = {
    // Render ids became per token (serve-audit F22): the stored id is the owner's prefix and the client's id.
    "UPDATE renders SET id = substr(owner, 1, 16) || '/' || id WHERE id NOT LIKE '%/%'",
    // Exports are charged like generation (F8): what a render costs, frozen while it runs.
    "ALTER TABLE renders ADD COLUMN credits BIGINT DEFAULT 0",
    // --token-file is the truth at every start (F9): what it gave a token, to apply a change to it.
    "ALTER TABLE tokens ADD COLUMN granted BIGINT DEFAULT -1",
    // Several uploads in one session, each with its own timeline (issue 23): the one a turn talks to.
    "ALTER TABLE sessions ADD COLUMN focus TEXT DEFAULT ''",
    // Several boxes on one database (issue 27): the box running (or that ran) a render, until when, how often its
    // lease ran out and how often it was started.
    "ALTER TABLE renders ADD COLUMN box TEXT DEFAULT ''",
    "ALTER TABLE renders ADD COLUMN lease_until BIGINT DEFAULT 0",
    "ALTER TABLE renders ADD COLUMN failures BIGINT DEFAULT 0",
    "ALTER TABLE renders ADD COLUMN attempts BIGINT DEFAULT 0",
    // New anonymous tokens are limited per client address on every box: the address each was given to.
    "ALTER TABLE tokens ADD COLUMN address TEXT DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS tokens_by_address ON tokens(address, created)",
    "CREATE INDEX IF NOT EXISTS tokens_by_client ON tokens(client_id, created)",
};

bool already_there(const Error& e) {
  return e.message.find("duplicate column") != std::string::npos || e.message.find("already exists") != std::string::npos;
}

Status set_up(SqlDatabase& db) {
  if (auto ok = db.exec(kSchema); !ok) return ok;
  auto version = db.query("SELECT version FROM schema_version");
  if (!version) return version.error();
  const int64_t done = version->rows.empty() ? 0 : version->rows.front().integer(0);
  const auto steps = static_cast<int64_t>(std::size(kMigrations));
  for (int64_t i = done; i < steps; ++i) {
    if (auto ok = db.exec(kMigrations[i]); !ok && !already_there(ok.error())) return ok;
  }
  if (done == steps) return {};
  if (auto ok = db.query("DELETE FROM schema_version"); !ok) return ok.error();
  auto ok = db.query("INSERT INTO schema_version(version) VALUES(?)", {steps});
  if (!ok) return ok.error();
  return {};
}

RenderStatus status_from(const std::string& s) {
  if (s == "running") return RenderStatus::kRunning;
  if (s == "completed") return RenderStatus::kCompleted;
  if (s == "failed") return RenderStatus::kFailed;
  return RenderStatus::kQueued;
}

json parse_or_empty(const std::string& text) {
  return read_json(text, "A stored record").value_or(json::object());
}

MediaRecord media_from(const SqlRow& s) {
  return MediaRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), parse_or_empty(s.text(5)), s.integer(6)};
}

TokenRecord token_from(const SqlRow& s) {
  return TokenRecord{s.text(0), s.text(1), s.integer(2) != 0, s.integer(3), s.integer(4), s.integer(5), s.integer(6), s.integer(7), s.integer(8)};
}

Draft draft_from(const std::string& text) {
  auto draft = Draft::from_json(parse_or_empty(text));
  return draft ? std::move(draft).value() : Draft();
}

// The first row mapped; nullopt when none.
template <typename T, typename Map>
Result<std::optional<T>> first_row(Result<SqlResult> r, Map map) {
  if (!r) return r.error();
  if (r->rows.empty()) return std::optional<T>();
  return std::optional<T>(map(r->rows.front()));
}

// Every row mapped.
template <typename T, typename Map>
Result<std::vector<T>> all_rows(Result<SqlResult> r, Map map) {
  if (!r) return r.error();
  std::vector<T> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back(map(row));
  return out;
}

constexpr const char* kTokenColumns = "hash, client_id, anonymous, created, expires, total, available, frozen, granted";

// Times of media in one session strictly increase in this process, so upload order is kept without a row number.
int64_t next_media_time() {
  static std::atomic<int64_t> last{0};
  int64_t now = now_ms(), seen = last.load();
  while (!last.compare_exchange_weak(seen, std::max(now, seen + 1))) {
  }
  return std::max(now, seen + 1);
}

}  // namespace

RenderRecord render_from(const SqlRow& s) {
  RenderRecord r;
  r.id = s.text(0);
  r.session = s.text(1);
  r.owner = s.text(2);
  r.status = status_from(s.text(3));
  r.draft = parse_or_empty(s.text(4));
  r.format = s.text(5);
  r.file = s.text(6);
  r.download_key = s.text(7);
  r.expires_ms = s.integer(8);
  r.error = s.text(9);
  r.created_ms = s.integer(10);
  r.updated_ms = s.integer(11);
  r.credits = s.integer(12);
  return r;
}

const char* render_status_name(RenderStatus status) {
  switch (status) {
    case RenderStatus::kQueued: return "queued";
    case RenderStatus::kRunning: return "running";
    case RenderStatus::kCompleted: return "completed";
    case RenderStatus::kFailed: return "failed";
  }
  return "queued";
}

std::string render_key(const std::string& owner, const std::string& client_id) { return owner.substr(0, 16) + "/" + client_id; }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<std::unique_ptr<SessionStore>> SessionStore::open(const fs::path& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  auto db = open_sqlite(data_dir / "obs-bgm.db");
  if (!db) return db.error();
  return open(data_dir, std::move(db).value());
}

Result<std::unique_ptr<SessionStore>> SessionStore::open(const fs::path& data_dir, std::unique_ptr<SqlDatabase> db) {
  std::error_code ec;
  fs::create_directories(data_dir / "sessions", ec);
  fs::create_directories(data_dir / "renders", ec);
  if (ec) return make_error(ErrorCode::kIo, "Could not create the data folder " + data_dir.string() + ": " + ec.message() + ".");
  ::chmod(data_dir.c_str(), 0700);
  SqlDatabase& d = *db;
  if (auto ok = d.with_setup_lock([&d] { return set_up(d); }); !ok) return ok.error();
  return std::unique_ptr<SessionStore>(new SessionStore(data_dir, std::make_shared<SharedDatabase>(std::move(db))));
}

Result<SqlResult> SessionStore::query(std::string_view sql, const std::vector<SqlValue>& params) {
  return db_->with([&](SqlDatabase& d) { return d.query(sql, params); });
}

Status SessionStore::run(std::string_view sql, const std::vector<SqlValue>& params) {
  auto r = query(sql, params);
  if (!r) return r.error();
  return {};
}

bool SessionStore::ping() { return static_cast<bool>(query("SELECT 1")); }

Result<std::string> SessionStore::media_file_for(const std::string& session, const std::string& id, const std::string& ext) {
  const std::string folder = "sessions/" + session;
  std::error_code ec;
  fs::create_directories(dir_ / folder, ec);
  if (ec) return make_error(ErrorCode::kIo, "Could not create " + (dir_ / folder).string() + ": " + ec.message() + ".");
  return folder + "/" + id + ext;
}

Status SessionStore::put_token(const TokenRecord& t) {
  return run("INSERT INTO tokens(hash, client_id, anonymous, created, expires, total, available, frozen, granted) VALUES(?,?,?,?,?,?,?,?,?) "
             "ON CONFLICT(hash) DO UPDATE SET client_id=excluded.client_id, anonymous=excluded.anonymous, created=excluded.created, "
             "expires=excluded.expires, total=excluded.total, available=excluded.available, frozen=excluded.frozen, granted=excluded.granted",
             {t.hash, t.client_id, int64_t{t.anonymous}, t.created_ms, t.expires_ms, t.total, t.available, t.frozen, t.granted});
}

Result<bool> SessionStore::issue_anonymous_token(const TokenRecord& t, const std::string& address, const IssueLimits& limits) {
  constexpr int64_t kIssueKey = 0x6f62736267'6d03;  // "obsbgm" 3: anonymous tokens, one at a time across boxes
  return db_->with([&](SqlDatabase& d) -> Result<bool> {
    bool issued = false;
    auto ok = d.transaction(
        [&]() -> Status {
          auto counts = d.query("SELECT (SELECT count(*) FROM tokens WHERE anonymous=1 AND client_id=?1 AND created>?3), "
                                "(SELECT count(*) FROM tokens WHERE anonymous=1 AND address=?2 AND created>?3)",
                                {t.client_id, address, t.created_ms - limits.window_ms});
          if (!counts) return counts.error();
          if (counts->rows.at(0).integer(0) >= limits.per_client || counts->rows.at(0).integer(1) >= limits.per_address) return {};
          auto put = d.query("INSERT INTO tokens(hash, client_id, anonymous, created, expires, total, available, frozen, granted, address) "
                             "VALUES(?,?,1,?,?,?,?,?,?,?)",
                             {t.hash, t.client_id, t.created_ms, t.expires_ms, t.total, t.available, t.frozen, t.granted, address});
          if (!put) return put.error();
          issued = true;
          return {};
        },
        kIssueKey);
    if (!ok) return ok.error();
    return issued;
  });
}

Result<std::optional<TokenRecord>> SessionStore::token(const std::string& hash) {
  return first_row<TokenRecord>(query(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE hash=?", {hash}), token_from);
}

Result<bool> freeze_credits_in(SqlDatabase& db, const std::string& hash, int64_t n) {
  auto r = db.query("UPDATE tokens SET available=available-?1, frozen=frozen+?1 WHERE hash=?2 AND available>=?1", {n, hash});
  if (!r) return r.error();
  return r->affected == 1;
}

Status settle_credits_in(SqlDatabase& db, const std::string& hash, int64_t frozen, int64_t charged) {
  auto r = db.query("UPDATE tokens SET frozen=CASE WHEN frozen>?1 THEN frozen-?1 ELSE 0 END, available=available+?1-?2, total=total-?2 WHERE hash=?3",
                    {frozen, charged, hash});
  if (!r) return r.error();
  return {};
}

Result<bool> SessionStore::freeze_credits(const std::string& hash, int64_t n) {
  return db_->with([&](SqlDatabase& d) { return freeze_credits_in(d, hash, n); });
}

Status SessionStore::settle_credits(const std::string& hash, int64_t frozen, int64_t charged) {
  return db_->with([&](SqlDatabase& d) { return settle_credits_in(d, hash, frozen, charged); });
}

Result<std::vector<TokenRecord>> SessionStore::tokens(bool anonymous) {
  return all_rows<TokenRecord>(query(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE anonymous=?", {int64_t{anonymous}}), token_from);
}

Status SessionStore::delete_token(const std::string& hash) { return run("DELETE FROM tokens WHERE hash=?", {hash}); }

Status SessionStore::set_token_grant(const std::string& hash, int64_t granted) {
  constexpr const char* kNewAvailable = "(available + CASE WHEN granted >= 0 THEN ?1 - granted ELSE 0 END)";
  return run(std::string("UPDATE tokens SET available = CASE WHEN ") + kNewAvailable + " > 0 THEN " + kNewAvailable + " ELSE 0 END, " +
                 "total = CASE WHEN " + kNewAvailable + " > 0 THEN " + kNewAvailable + " ELSE 0 END + frozen, granted = ?1 WHERE hash = ?2",
             {granted, hash});
}

Result<SessionRecord> SessionStore::create_session(const std::string& owner, const std::string& language) {
  SessionRecord s{random_id("s_"), owner, random_id("t_", 8), language, now_ms(), Draft(), {}};
  if (auto ok = run("INSERT INTO sessions(id, owner, task_id, language, created, draft) VALUES(?,?,?,?,?,?)",
                    {s.id, s.owner, s.task_id, s.language, s.created_ms, json_text(s.draft.as_json(), -1)});
      !ok) {
    return ok.error();
  }
  return s;
}

Result<std::optional<SessionRecord>> SessionStore::session(const std::string& id) {
  return first_row<SessionRecord>(query("SELECT id, owner, task_id, language, created, draft, focus FROM sessions WHERE id=?", {id}), [](const SqlRow& r) {
    return SessionRecord{r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4), draft_from(r.text(5)), r.text(6)};
  });
}

Status SessionStore::save_draft(const std::string& session, const Draft& draft) {
  return db_->with([&](SqlDatabase& d) -> Status {
    return d.transaction([&]() -> Status {
      if (auto ok = d.query("UPDATE sessions SET draft=? WHERE id=?", {json_text(draft.as_json(), -1), session}); !ok) return ok.error();
      // The focused upload's own timeline follows.
      auto keep = d.query("INSERT INTO timelines(session, media, draft) SELECT id, focus, draft FROM sessions WHERE id=? AND focus != '' "
                          "ON CONFLICT(session, media) DO UPDATE SET draft=excluded.draft",
                          {session});
      if (!keep) return keep.error();
      return {};
    });
  });
}

Status SessionStore::focus(const std::string& session, const std::string& media, const Draft& draft) {
  if (auto ok = run("UPDATE sessions SET focus=? WHERE id=?", {media, session}); !ok) return ok;
  return save_draft(session, draft);
}

Result<std::optional<Draft>> SessionStore::timeline(const std::string& session, const std::string& media) {
  return first_row<Draft>(query("SELECT draft FROM timelines WHERE session=? AND media=?", {session, media}),
                          [](const SqlRow& r) { return draft_from(r.text(0)); });
}

Result<MediaRecord> SessionStore::add_media(MediaRecord m) {
  if (m.created_ms == 0) m.created_ms = next_media_time();
  if (auto ok = run("INSERT INTO media(id, session, kind, name, file, info, created) VALUES(?,?,?,?,?,?,?)",
                    {m.id, m.session, m.kind, m.name, m.file, json_text(m.info, -1), m.created_ms});
      !ok) {
    return ok.error();
  }
  return m;
}

Result<std::vector<MediaRecord>> SessionStore::media(const std::string& session) {
  return all_rows<MediaRecord>(query("SELECT id, session, kind, name, file, info, created FROM media WHERE session=? ORDER BY created, id", {session}),
                               media_from);
}

Result<std::optional<MediaRecord>> SessionStore::media_by_id(const std::string& session, const std::string& id) {
  return first_row<MediaRecord>(query("SELECT id, session, kind, name, file, info, created FROM media WHERE session=? AND id=?", {session, id}), media_from);
}

Status SessionStore::update_media_info(const std::string& id, const json& info) {
  return run("UPDATE media SET info=? WHERE id=?", {json_text(info, -1), id});
}

Status put_render_in(SqlDatabase& db, const RenderRecord& r) {
  auto ok = db.query(std::string("INSERT INTO renders(") + kRenderColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) " +
                         "ON CONFLICT(id) DO UPDATE SET status=excluded.status, draft=excluded.draft, format=excluded.format, file=excluded.file, "
                         "download_key=excluded.download_key, expires=excluded.expires, error=excluded.error, updated=excluded.updated, "
                         "credits=excluded.credits",
                     {r.id, r.session, r.owner, render_status_name(r.status), json_text(r.draft, -1), r.format, r.file, r.download_key, r.expires_ms,
                      r.error, r.created_ms ? r.created_ms : now_ms(), now_ms(), r.credits});
  if (!ok) return ok.error();
  return {};
}

Result<std::optional<RenderRecord>> SessionStore::render(const std::string& id) {
  return first_row<RenderRecord>(query(std::string("SELECT ") + kRenderColumns + " FROM renders WHERE id=?", {id}), render_from);
}

Result<std::optional<RenderRecord>> SessionStore::render_by_key(const std::string& key) {
  return first_row<RenderRecord>(query(std::string("SELECT ") + kRenderColumns + " FROM renders WHERE download_key=? AND download_key<>''", {key}),
                                 render_from);
}

Result<std::vector<std::string>> SessionStore::expire_renders(int64_t now) {
  return db_->with([now](SqlDatabase& d) -> Result<std::vector<std::string>> {
    std::vector<std::string> files;
    auto ok = d.transaction([&]() -> Status {
      auto named = d.query("SELECT file FROM renders WHERE status='completed' AND file<>'' AND expires<?", {now});
      if (!named) return named.error();
      for (const auto& row : named->rows) files.push_back(row.text(0));
      auto end = d.query("UPDATE renders SET file='' WHERE status='completed' AND file<>'' AND expires<?", {now});
      if (!end) return end.error();
      return {};
    });
    if (!ok) return ok.error();
    return files;
  });
}

Result<std::vector<std::string>> SessionStore::render_files() {
  return all_rows<std::string>(query("SELECT file FROM renders WHERE file<>''"), [](const SqlRow& r) { return r.text(0); });
}

}  // namespace bgm
