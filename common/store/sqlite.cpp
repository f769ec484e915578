#include "store/sqlite.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <utility>

namespace bgm {
namespace {

Error db_error(sqlite3* db, const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory") + ".");
}

struct StatementCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementCloser>;

class SqliteDatabase final : public SqlDatabase {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override { sqlite3_close(db_); }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Result<SqlResult> query(std::string_view sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
      return db_error(db_, "A database query failed");
    }
    StatementPtr st(raw);
    for (size_t i = 0; i < params.size(); ++i) bind(st.get(), static_cast<int>(i + 1), params[i]);
    SqlResult out;
    for (;;) {
      const int rc = sqlite3_step(st.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_error(db_, "The database could not be read or written");
      std::vector<std::optional<std::string>> cells;
      const int n = sqlite3_column_count(st.get());
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st.get(), c) == SQLITE_NULL) {
          cells.emplace_back();
          continue;
        }
        const auto* p = sqlite3_column_text(st.get(), c);
        cells.emplace_back(std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st.get(), c))));
      }
      out.rows.emplace_back(std::move(cells));
    }
    out.affected = sqlite3_changes64(db_);
    return out;
  }

  Status exec(std::string_view script) override {
    char* message = nullptr;
    const std::string text(script);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      Error e = make_error(ErrorCode::kIo, std::string("The database could not be set up: ") + (message ? message : "unknown error") + ".");
      sqlite3_free(message);
      return e;
    }
    return {};
  }

  Status transaction(const std::function<Status()>& work, std::optional<int64_t>) override {
    if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
    Status done = work();
    if (auto end = exec(done ? "COMMIT" : "ROLLBACK"); !end && done) {
      (void)exec("ROLLBACK");
      return end;
    }
    return done;
  }

  Status with_setup_lock(const std::function<Status()>& work) override { return work(); }  // one server per file
  Status notify(std::string_view) override { return {}; }

 private:
  static void bind(sqlite3_stmt* st, int index, const SqlValue& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
      sqlite3_bind_text(st, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      sqlite3_bind_int64(st, index, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      sqlite3_bind_double(st, index, *d);
    } else {
      sqlite3_bind_null(st, index);
    }
  }

  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> open_sqlite(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = db_error(db, "Could not open the database " + path.string());
    sqlite3_close(db);
    return e;
  }
  ::chmod(path.c_str(), 0600);  // tokens and sessions: the owner's alone
  auto out = std::make_unique<SqliteDatabase>(db);
  sqlite3_busy_timeout(db, 5000);
  if (auto ok = out->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !ok) return ok.error();
  return std::unique_ptr<SqlDatabase>(std::move(out));
}

}  // namespace bgm
