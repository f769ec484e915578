#pragma once
// A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder (as the `postgres` user when the
// tests run as root, which PostgreSQL refuses to run as), listening on a free loopback port and a private socket
// folder, trust authentication for its one user, fsync off; stopped ("immediate") and removed at the end.
// Uses Debian's server binaries (/usr/lib/postgresql/<version>/bin). Thread: the test's thread.

#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace bgm::test {

class PgCluster {
 public:
  PgCluster();
  ~PgCluster();
  // Empty when it started; else why not (the test fails with it).
  const std::string& error() const { return error_; }
  // A new empty database on the cluster: its libpq address (postgresql://obsbgm@127.0.0.1:PORT/NAME).
  std::string create_database(const std::string& name);
  // Runs one SQL statement with psql on database `name`; its rows, one per line, columns split by '|'.
  std::string sql(const std::string& name, const std::string& statement);
  int port() const { return port_; }
  // Stops the server at once (as a crash would) and starts it again on the same port. Returns whether it is back.
  bool restart();

 private:
  std::string as_owner(const std::string& command) const;
  TempDir dir_;
  std::filesystem::path bin_;
  int port_ = 0;
  std::string error_;
  bool started_ = false;
};

}  // namespace bgm::test
