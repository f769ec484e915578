#pragma once
// What the session store asks of a database, with two ends: SQLite (store/sqlite.h: one box, the embedded
// default) and PostgreSQL (server/postgres.h: several boxes on one database). SQL is written once, in the subset
// both speak (upserts with ON CONFLICT, RETURNING, CASE instead of max()/greatest()); parameters are `?` or `?N`,
// which the PostgreSQL end turns into `$N`. Rows come back whole, as text, so no statement outlives a call.
// Thread: a SqlDatabase belongs to one owner at a time; SharedDatabase is that owner for every thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace bgm {

using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;

class SqlRow {
 public:
  explicit SqlRow(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  std::string text(size_t column) const;
  int64_t integer(size_t column) const;  // 0 for NULL or text that is no number
  double real(size_t column) const;
  bool is_null(size_t column) const;
  size_t size() const { return cells_.size(); }

 private:
  std::vector<std::optional<std::string>> cells_;
};

struct SqlResult {
  std::vector<SqlRow> rows;
  int64_t affected = 0;  // rows an INSERT, UPDATE or DELETE changed
};

enum class SqlDialect { kSqlite, kPostgres };

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  virtual SqlDialect dialect() const = 0;
  // One statement with parameters. Errors: kIo (the message names what failed, never the connection's password).
  virtual Result<SqlResult> query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // One or more statements without parameters or results (schema).
  virtual Status exec(std::string_view script) = 0;
  // `work` inside one transaction: committed when it succeeds, rolled back when it fails. PostgreSQL runs it at
  // READ COMMITTED; a statement that must see no concurrent change locks its rows (FOR UPDATE) or takes
  // `serialize_key` first (a transaction-scoped advisory lock; SQLite's transactions are serial already).
  virtual Status transaction(const std::function<Status()>& work, std::optional<int64_t> serialize_key = std::nullopt) = 0;
  // `work` while no other process sets the schema up (several boxes starting at once).
  virtual Status with_setup_lock(const std::function<Status()>& work) = 0;
  // Tells boxes waiting on the database that there is work (PostgreSQL NOTIFY); nothing for SQLite.
  virtual Status notify(std::string_view channel) = 0;
};

// The one database handle a server or the dock shares: calls are serialised by a mutex.
// Thread: any thread; `with` holds the lock for the whole of `fn` (a transaction, or a query and its follow-up).
class SharedDatabase {
 public:
  explicit SharedDatabase(std::unique_ptr<SqlDatabase> db) : db_(std::move(db)) {}
  template <typename Fn>
  auto with(Fn&& fn) {
    std::lock_guard lock(mutex_);
    return fn(*db_);
  }
  SqlDialect dialect() const { return db_->dialect(); }

 private:
  std::mutex mutex_;
  std::unique_ptr<SqlDatabase> db_;
};

}  // namespace bgm
