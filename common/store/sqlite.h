#pragma once
// A thin RAII layer over SQLite: a database handle and prepared statements, errors as values.
// Thread: one Database per owner; the owner serialises calls (SQLite is opened in serialized mode, but a
// statement belongs to the thread that runs it).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bgm {

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  // Binds by 1-based index. Returns *this for chaining.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  // One step: true when a row is ready, false when done. Errors: kIo.
  Result<bool> step();
  // Runs to completion (INSERT/UPDATE/DELETE).
  Status run();

  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens or creates the file (mode 0600), WAL journal, foreign keys on, a 5 s busy timeout.
  static Result<Database> open(const std::filesystem::path& path);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  Result<Statement> prepare(std::string_view sql);
  // Runs one or more statements without results (schema).
  Status exec(std::string_view sql);
  int64_t changes() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace bgm
