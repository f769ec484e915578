#pragma once
// The PostgreSQL end of store/database.h (libpq), for several `obs-bgm serve` boxes on one database, and a
// listener for the NOTIFY that wakes an idle box. The connection string is libpq's ("postgresql://user@host:5432/db",
// or key=value words); its password is never put in a message: keep it in ~/.pgpass or PGPASSWORD.
// Thread: as SqlDatabase (one owner at a time); a PgListener belongs to the thread that waits on it.

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/database.h"

struct pg_conn;

namespace bgm {

// Whether `spec` names a PostgreSQL database (postgresql:// or postgres://, or libpq's key=value words).
bool is_postgres_url(const std::string& spec);
// The connection string with any password replaced by "***", for messages and logs.
std::string redact_postgres_url(const std::string& spec);
// `?` and `?N` placeholders as PostgreSQL's `$N` (outside quoted text).
std::string to_dollar_params(std::string_view sql);

// Connects. Errors: kIo ("Could not reach the database ...", with libpq's reason).
Result<std::unique_ptr<SqlDatabase>> open_postgres(const std::string& spec);

class PgListener {
 public:
  // Its own connection, listening on `channel`. Errors: kIo.
  static Result<std::unique_ptr<PgListener>> open(const std::string& spec, const std::string& channel);
  ~PgListener();
  // Waits up to `timeout` for a notification. True when one came; false on timeout. A lost connection is
  // reconnected (and counted as a notification, since one may have been missed). Errors: kIo when it cannot.
  Result<bool> wait(std::chrono::milliseconds timeout);

 private:
  PgListener(std::string spec, std::string channel) : spec_(std::move(spec)), channel_(std::move(channel)) {}
  Status connect();
  std::string spec_, channel_;
  pg_conn* conn_ = nullptr;
};

}  // namespace bgm
