#include "store/postgres.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cstdlib>
#include <regex>

namespace bgm {
namespace {

constexpr Oid kInt8 = 20, kFloat8 = 701, kText = 25;
constexpr int64_t kSetupLockKey = 0x6f62736267'6d01;  // "obsbgm" 1: the schema's setup

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

// libpq's message, on one line.
std::string reason(const PGconn* conn, const PGresult* res = nullptr) {
  const std::string raw = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  std::string m;  // libpq's lines joined with "; ", tabs as spaces, without its closing mark (our full stop follows)
  for (char c : raw) {
    if (c == '\r' || c == '\t') c = ' ';
    if (c == '\n') {
      while (!m.empty() && m.back() == ' ') m.pop_back();
      if (!m.empty() && m.back() != ';') m += ';';
      c = ' ';
    }
    if (c != ' ' || (!m.empty() && m.back() != ' ')) m += c;
  }
  while (!m.empty() && (m.back() == ' ' || m.back() == '.' || m.back() == '?' || m.back() == ';')) m.pop_back();
  return m.empty() ? "no reason given" : m;
}

void ignore_notice(void*, const char*) {}  // "relation already exists, skipping" and the like

Result<ConnPtr> connect_to(const std::string& spec) {
  ConnPtr conn(PQconnectdb(spec.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return make_error(ErrorCode::kIo, "Could not reach the database " + redact_postgres_url(spec) + ": " + (conn ? reason(conn.get()) : "out of memory") +
                                          ". Check that PostgreSQL runs and the address, user and password (~/.pgpass or PGPASSWORD).");
  }
  PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);
  return conn;
}

class PostgresDatabase final : public SqlDatabase {
 public:
  PostgresDatabase(std::string spec, ConnPtr conn) : spec_(std::move(spec)), conn_(std::move(conn)) {}

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Result<SqlResult> query(std::string_view sql, const std::vector<SqlValue>& params) override {
    const std::string text = to_dollar_params(sql);
    std::vector<Oid> types;
    std::vector<std::string> values;
    std::vector<const char*> pointers;
    types.reserve(params.size());
    values.reserve(params.size());
    for (const auto& p : params) {
      if (const auto* s = std::get_if<std::string>(&p)) {
        types.push_back(kText);
        values.push_back(*s);
      } else if (const auto* i = std::get_if<int64_t>(&p)) {
        types.push_back(kInt8);
        values.push_back(std::to_string(*i));
      } else if (const auto* d = std::get_if<double>(&p)) {
        types.push_back(kFloat8);
        values.push_back(std::to_string(*d));
      } else {
        types.push_back(0);
        values.emplace_back();
      }
    }
    for (size_t i = 0; i < params.size(); ++i) pointers.push_back(std::holds_alternative<std::nullptr_t>(params[i]) ? nullptr : values[i].c_str());
    auto run = [&] {
      return ResultPtr(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(params.size()), types.data(), pointers.data(), nullptr, nullptr, 0));
    };
    ResultPtr res = run();
    if (!in_transaction_ && reconnected()) res = run();  // a database restart or a dropped connection: once more
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return make_error(ErrorCode::kIo, "A database query failed: " + reason(conn_.get(), res.get()) + ".");
    }
    SqlResult out;
    const int rows = PQntuples(res.get()), columns = PQnfields(res.get());
    out.rows.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      std::vector<std::optional<std::string>> cells;
      cells.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res.get(), r, c)) cells.emplace_back();
        else cells.emplace_back(std::string(PQgetvalue(res.get(), r, c), static_cast<size_t>(PQgetlength(res.get(), r, c))));
      }
      out.rows.emplace_back(std::move(cells));
    }
    out.affected = std::atoll(PQcmdTuples(res.get()));
    return out;
  }

  Status exec(std::string_view script) override {
    const std::string text(script);
    ResultPtr res(PQexec(conn_.get(), text.c_str()));
    if (!in_transaction_ && reconnected()) res.reset(PQexec(conn_.get(), text.c_str()));
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return make_error(ErrorCode::kIo, "The database could not be set up: " + reason(conn_.get(), res.get()) + ".");
    }
    return {};
  }

  Status transaction(const std::function<Status()>& work, std::optional<int64_t> serialize_key) override {
    if (auto ok = exec("BEGIN"); !ok) return ok;
    in_transaction_ = true;
    Status done;
    if (serialize_key) {
      auto locked = query("SELECT pg_advisory_xact_lock(?)", {*serialize_key});
      if (!locked) done = locked.error();
    }
    if (done) done = work();
    in_transaction_ = false;
    if (auto end = exec(done ? "COMMIT" : "ROLLBACK"); !end && done) return end;
    return done;
  }

  Status with_setup_lock(const std::function<Status()>& work) override {
    if (auto ok = query("SELECT pg_advisory_lock(?)", {kSetupLockKey}); !ok) return ok.error();
    Status done = work();
    (void)query("SELECT pg_advisory_unlock(?)", {kSetupLockKey});
    return done;
  }

  Status notify(std::string_view channel) override {
    auto ok = query("SELECT pg_notify(?, '')", {std::string(channel)});
    if (!ok) return ok.error();
    return {};
  }

 private:
  // After a failed call: whether the connection was lost and is back.
  bool reconnected() {
    if (PQstatus(conn_.get()) == CONNECTION_OK) return false;
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) return false;
    PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
    return true;
  }

  std::string spec_;
  ConnPtr conn_;
  bool in_transaction_ = false;
};

}  // namespace

bool is_postgres_url(const std::string& spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0 ||
         (spec.find('=') != std::string::npos && spec.find("dbname") != std::string::npos);
}

std::string redact_postgres_url(const std::string& spec) {
  // URL form: scheme://user:password@host...; key=value form: password=... (maybe quoted).
  static const std::regex in_url(R"(^(postgres(?:ql)?://[^:/@]*:)[^@]*@)");
  static const std::regex in_words(R"(password\s*=\s*('(?:[^'\\]|\\.)*'|\S+))");
  std::string out = std::regex_replace(spec, in_url, "$1***@");
  return std::regex_replace(out, in_words, "password=***");
}

std::string to_dollar_params(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;  // '' inside a literal closes and reopens: the same text
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    out += '$';
    if (j > i + 1) {
      out.append(sql.substr(i + 1, j - i - 1));
      i = j - 1;
    } else {
      out += std::to_string(++next);
    }
  }
  return out;
}

Result<std::unique_ptr<SqlDatabase>> open_postgres(const std::string& spec) {
  auto conn = connect_to(spec);
  if (!conn) return conn.error();
  return std::unique_ptr<SqlDatabase>(std::make_unique<PostgresDatabase>(spec, std::move(conn).value()));
}

Result<std::unique_ptr<PgListener>> PgListener::open(const std::string& spec, const std::string& channel) {
  std::unique_ptr<PgListener> out(new PgListener(spec, channel));
  if (auto ok = out->connect(); !ok) return ok.error();
  return out;
}

PgListener::~PgListener() {
  if (conn_) PQfinish(conn_);
}

Status PgListener::connect() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  auto conn = connect_to(spec_);
  if (!conn) return conn.error();
  // The channel is ours (a constant), never a client's words; quoted as an identifier all the same.
  char* quoted = PQescapeIdentifier(conn->get(), channel_.c_str(), channel_.size());
  if (!quoted) return make_error(ErrorCode::kIo, "Could not listen on the database: " + reason(conn->get()) + ".");
  ResultPtr res(PQexec(conn->get(), ("LISTEN " + std::string(quoted)).c_str()));
  PQfreemem(quoted);
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return make_error(ErrorCode::kIo, "Could not listen on the database: " + reason(conn->get(), res.get()) + ".");
  conn_ = conn->release();
  return {};
}

Result<bool> PgListener::wait(std::chrono::milliseconds timeout) {
  auto pending = [this] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      PQfreemem(n);
      any = true;
    }
    return any;
  };
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    if (auto ok = connect(); !ok) return ok.error();
    return true;
  }
  if (pending()) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  const int ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  if (!PQconsumeInput(conn_)) {
    if (auto ok = connect(); !ok) return ok.error();
    return true;
  }
  return pending();
}

}  // namespace bgm
