#include "session/session_store.h"

#include <sys/stat.h>

#include <chrono>

#include "core/json_read.h"
#include "core/json_text.h"
#include "core/random_id.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, client_id TEXT, anonymous INTEGER, created INTEGER,
  expires INTEGER, total INTEGER, available INTEGER, frozen INTEGER);
CREATE TABLE IF NOT EXISTS sessions(id TEXT PRIMARY KEY, owner TEXT, task_id TEXT, language TEXT, created INTEGER,
  draft TEXT);
CREATE TABLE IF NOT EXISTS media(id TEXT PRIMARY KEY, session TEXT, kind TEXT, name TEXT, file TEXT, info TEXT,
  created INTEGER);
CREATE INDEX IF NOT EXISTS media_by_session ON media(session, created);
CREATE TABLE IF NOT EXISTS renders(id TEXT PRIMARY KEY, session TEXT, owner TEXT, status TEXT, draft TEXT,
  format TEXT, file TEXT, download_key TEXT, expires INTEGER, error TEXT, created INTEGER, updated INTEGER);
CREATE INDEX IF NOT EXISTS renders_by_key ON renders(download_key);
CREATE TABLE IF NOT EXISTS timelines(session TEXT, media TEXT, draft TEXT, PRIMARY KEY(session, media));
)sql";

// What a data folder made by an earlier version lacks. Each step runs once; a step that is there already fails
// with "duplicate column" and is skipped.
constexpr const char* kMigrations[] = {
    // Render ids became per token (serve-audit F22): the stored id is the owner's prefix and the client's id.
    "UPDATE renders SET id = substr(owner, 1, 16) || '/' || id WHERE instr(id, '/') = 0",
    // Exports are charged like generation (F8): what a render costs, frozen while it runs.
    "ALTER TABLE renders ADD COLUMN credits INTEGER DEFAULT 0",
    // --token-file is the truth at every start (F9): what it gave a token, to apply a change to it.
    "ALTER TABLE tokens ADD COLUMN granted INTEGER DEFAULT -1",
    // Several uploads in one session, each with its own timeline (issue 23): the one a turn talks to.
    "ALTER TABLE sessions ADD COLUMN focus TEXT DEFAULT ''",
};

RenderStatus status_from(const std::string& s) {
  if (s == "running") return RenderStatus::kRunning;
  if (s == "completed") return RenderStatus::kCompleted;
  if (s == "failed") return RenderStatus::kFailed;
  return RenderStatus::kQueued;
}

json parse_or_empty(const std::string& text) {
  return read_json(text, "A stored record").value_or(json::object());
}

MediaRecord media_from(const Statement& s) {
  return MediaRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), parse_or_empty(s.text(5)), s.integer(6)};
}

RenderRecord render_from(const Statement& s) {
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

// The first row of a query with text parameters, mapped; nullopt when none.
template <typename T, typename Map>
Result<std::optional<T>> one_row(Database& db, const std::string& sql, std::initializer_list<std::string_view> binds, Map map) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  int i = 0;
  for (auto b : binds) st->bind(++i, b);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<T>();
  return std::optional<T>(map(*st));
}

// Every row of a query with text parameters, mapped.
template <typename T, typename Map>
Result<std::vector<T>> all_rows(Database& db, const std::string& sql, std::initializer_list<std::string_view> binds, Map map) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  int i = 0;
  for (auto b : binds) st->bind(++i, b);
  std::vector<T> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(map(*st));
  }
}

constexpr const char* kRenderColumns = "id, session, owner, status, draft, format, file, download_key, expires, error, created, updated, credits";

}  // namespace

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
  fs::create_directories(data_dir / "sessions", ec);
  fs::create_directories(data_dir / "renders", ec);
  if (ec) return make_error(ErrorCode::kIo, "Could not create the data folder " + data_dir.string() + ": " + ec.message() + ".");
  ::chmod(data_dir.c_str(), 0700);
  auto db = Database::open(data_dir / "obs-bgm.db");
  if (!db) return db.error();
  if (auto ok = db->exec(kSchema); !ok) return ok.error();
  for (const char* step : kMigrations) (void)db->exec(step);
  return std::unique_ptr<SessionStore>(new SessionStore(data_dir, std::move(db).value()));
}

Result<std::string> SessionStore::media_file_for(const std::string& session, const std::string& id, const std::string& ext) {
  const std::string folder = "sessions/" + session;
  std::error_code ec;
  fs::create_directories(dir_ / folder, ec);
  if (ec) return make_error(ErrorCode::kIo, "Could not create " + (dir_ / folder).string() + ": " + ec.message() + ".");
  return folder + "/" + id + ext;
}

Status SessionStore::put_token(const TokenRecord& t) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("INSERT OR REPLACE INTO tokens(hash, client_id, anonymous, created, expires, total, available, frozen, granted) "
                        "VALUES(?,?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, t.hash).bind(2, t.client_id).bind(3, int64_t{t.anonymous}).bind(4, t.created_ms).bind(5, t.expires_ms);
  st->bind(6, t.total).bind(7, t.available).bind(8, t.frozen).bind(9, t.granted);
  return st->run();
}

Result<std::optional<TokenRecord>> SessionStore::token(const std::string& hash) {
  std::lock_guard lock(mutex_);
  return one_row<TokenRecord>(db_, "SELECT hash, client_id, anonymous, created, expires, total, available, frozen, granted FROM tokens WHERE hash=?", {hash},
                              [](const Statement& st) {
                                return TokenRecord{st.text(0), st.text(1), st.integer(2) != 0, st.integer(3), st.integer(4),
                                                   st.integer(5), st.integer(6), st.integer(7), st.integer(8)};
                              });
}

Result<bool> SessionStore::freeze_credits(const std::string& hash, int64_t n) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("UPDATE tokens SET available=available-?1, frozen=frozen+?1 WHERE hash=?2 AND available>=?1");
  if (!st) return st.error();
  st->bind(1, n).bind(2, hash);
  if (auto ok = st->run(); !ok) return ok.error();
  return db_.changes() == 1;
}

Status SessionStore::settle_credits(const std::string& hash, int64_t frozen, int64_t charged) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("UPDATE tokens SET frozen=max(0, frozen-?1), available=available+?1-?2, total=total-?2 WHERE hash=?3");
  if (!st) return st.error();
  st->bind(1, frozen).bind(2, charged).bind(3, hash);
  return st->run();
}

Result<int64_t> SessionStore::release_frozen_credits() {
  std::lock_guard lock(mutex_);
  auto sum = db_.prepare("SELECT coalesce(sum(frozen), 0) FROM tokens WHERE frozen > 0");
  if (!sum) return sum.error();
  auto row = sum->step();
  if (!row) return row.error();
  const int64_t frozen = *row ? sum->integer(0) : 0;
  if (auto ok = db_.exec("UPDATE tokens SET available = available + frozen, frozen = 0 WHERE frozen > 0"); !ok) return ok.error();
  return frozen;
}

Result<std::vector<TokenRecord>> SessionStore::tokens(bool anonymous) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("SELECT hash, client_id, anonymous, created, expires, total, available, frozen, granted FROM tokens WHERE anonymous=?");
  if (!st) return st.error();
  st->bind(1, int64_t{anonymous});
  std::vector<TokenRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(TokenRecord{st->text(0), st->text(1), st->integer(2) != 0, st->integer(3), st->integer(4), st->integer(5), st->integer(6),
                              st->integer(7), st->integer(8)});
  }
}

Status SessionStore::delete_token(const std::string& hash) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("DELETE FROM tokens WHERE hash=?");
  if (!st) return st.error();
  st->bind(1, hash);
  return st->run();
}

Status SessionStore::set_token_grant(const std::string& hash, int64_t granted) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(
      "UPDATE tokens SET available = max(0, available + CASE WHEN granted >= 0 THEN ?1 - granted ELSE 0 END), "
      "total = max(0, available + CASE WHEN granted >= 0 THEN ?1 - granted ELSE 0 END) + frozen, granted = ?1 WHERE hash = ?2");
  if (!st) return st.error();
  st->bind(1, granted).bind(2, hash);
  return st->run();
}

Result<SessionRecord> SessionStore::create_session(const std::string& owner, const std::string& language) {
  SessionRecord s{random_id("s_"), owner, random_id("t_", 8), language, now_ms(), Draft(), {}};
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("INSERT INTO sessions(id, owner, task_id, language, created, draft) VALUES(?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, s.id).bind(2, s.owner).bind(3, s.task_id).bind(4, s.language).bind(5, s.created_ms).bind(6, json_text(s.draft.as_json(), -1));
  if (auto ok = st->run(); !ok) return ok.error();
  return s;
}

Result<std::optional<SessionRecord>> SessionStore::session(const std::string& id) {
  std::lock_guard lock(mutex_);
  return one_row<SessionRecord>(db_, "SELECT id, owner, task_id, language, created, draft, focus FROM sessions WHERE id=?", {id},
                                 [](const Statement& st) {
    auto draft = Draft::from_json(parse_or_empty(st.text(5)));
    return SessionRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.integer(4), draft ? std::move(draft).value() : Draft(), st.text(6)};
  });
}

Status SessionStore::save_draft(const std::string& session, const Draft& draft) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("UPDATE sessions SET draft=? WHERE id=?");
  if (!st) return st.error();
  st->bind(1, json_text(draft.as_json(), -1)).bind(2, session);
  if (auto ok = st->run(); !ok) return ok;
  // The focused upload's own timeline follows.
  auto keep = db_.prepare("INSERT OR REPLACE INTO timelines(session, media, draft) SELECT id, focus, draft FROM sessions WHERE id=? AND focus != ''");
  if (!keep) return keep.error();
  keep->bind(1, session);
  return keep->run();
}

Status SessionStore::focus(const std::string& session, const std::string& media, const Draft& draft) {
  {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("UPDATE sessions SET focus=? WHERE id=?");
    if (!st) return st.error();
    st->bind(1, media).bind(2, session);
    if (auto ok = st->run(); !ok) return ok;
  }
  return save_draft(session, draft);
}

Result<std::optional<Draft>> SessionStore::timeline(const std::string& session, const std::string& media) {
  std::lock_guard lock(mutex_);
  return one_row<Draft>(db_, "SELECT draft FROM timelines WHERE session=? AND media=?", {session, media}, [](const Statement& st) {
    auto draft = Draft::from_json(parse_or_empty(st.text(0)));
    return draft ? std::move(draft).value() : Draft();
  });
}

Result<MediaRecord> SessionStore::add_media(MediaRecord m) {
  if (m.created_ms == 0) m.created_ms = now_ms();
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("INSERT INTO media VALUES(?,?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, m.id).bind(2, m.session).bind(3, m.kind).bind(4, m.name).bind(5, m.file).bind(6, json_text(m.info, -1)).bind(7, m.created_ms);
  if (auto ok = st->run(); !ok) return ok.error();
  return m;
}

Result<std::vector<MediaRecord>> SessionStore::media(const std::string& session) {
  std::lock_guard lock(mutex_);
  return all_rows<MediaRecord>(db_, "SELECT id, session, kind, name, file, info, created FROM media WHERE session=? ORDER BY created, rowid",
                               {session}, media_from);
}

Result<std::optional<MediaRecord>> SessionStore::media_by_id(const std::string& session, const std::string& id) {
  std::lock_guard lock(mutex_);
  return one_row<MediaRecord>(db_, "SELECT id, session, kind, name, file, info, created FROM media WHERE session=? AND id=?", {session, id},
                              media_from);
}

Status SessionStore::update_media_info(const std::string& id, const json& info) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("UPDATE media SET info=? WHERE id=?");
  if (!st) return st.error();
  st->bind(1, json_text(info, -1)).bind(2, id);
  return st->run();
}

Status SessionStore::put_render(const RenderRecord& r) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("INSERT OR REPLACE INTO renders VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, r.id).bind(2, r.session).bind(3, r.owner).bind(4, render_status_name(r.status)).bind(5, json_text(r.draft, -1));
  st->bind(6, r.format).bind(7, r.file).bind(8, r.download_key).bind(9, r.expires_ms).bind(10, r.error);
  st->bind(11, r.created_ms ? r.created_ms : now_ms()).bind(12, now_ms()).bind(13, r.credits);
  return st->run();
}

Result<std::optional<RenderRecord>> SessionStore::render(const std::string& id) {
  std::lock_guard lock(mutex_);
  return one_row<RenderRecord>(db_, std::string("SELECT ") + kRenderColumns + " FROM renders WHERE id=?", {id}, render_from);
}

Result<std::optional<RenderRecord>> SessionStore::render_by_key(const std::string& key) {
  std::lock_guard lock(mutex_);
  return one_row<RenderRecord>(db_, std::string("SELECT ") + kRenderColumns + " FROM renders WHERE download_key=? AND download_key<>''", {key},
                               render_from);
}

Result<std::vector<RenderRecord>> SessionStore::unfinished_renders() {
  std::lock_guard lock(mutex_);
  return all_rows<RenderRecord>(db_, std::string("SELECT ") + kRenderColumns + " FROM renders WHERE status IN ('queued','running') ORDER BY created",
                                {}, render_from);
}

Result<std::vector<std::string>> SessionStore::expire_renders(int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare("SELECT file FROM renders WHERE status='completed' AND file<>'' AND expires<?");
  if (!st) return st.error();
  st->bind(1, now);
  std::vector<std::string> files;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    files.push_back(st->text(0));
  }
  auto end = db_.prepare("UPDATE renders SET file='' WHERE status='completed' AND file<>'' AND expires<?");
  if (!end) return end.error();
  end->bind(1, now);
  if (auto ok = end->run(); !ok) return ok.error();
  return files;
}

Result<std::vector<std::string>> SessionStore::render_files() {
  std::lock_guard lock(mutex_);
  return all_rows<std::string>(db_, "SELECT file FROM renders WHERE file<>''", {}, [](const Statement& s) { return s.text(0); });
}

}  // namespace bgm
