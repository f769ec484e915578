#include "support/pg_cluster.h"

#include <unistd.h>

namespace bgm::test {
namespace fs = std::filesystem;

namespace {

// The newest server Debian installed.
fs::path server_bin() {
  fs::path best;
  std::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path bin = it->path() / "bin";
    if (fs::exists(bin / "initdb") && (best.empty() || std::stoi(it->path().filename().string()) > std::stoi(best.parent_path().filename().string()))) best = bin;
  }
  return best;
}

}  // namespace

std::string PgCluster::as_owner(const std::string& command) const {
  return ::geteuid() == 0 ? "runuser -u postgres -- " + command : command;
}

PgCluster::PgCluster() {
  bin_ = server_bin();
  if (bin_.empty()) {
    error_ = "PostgreSQL's server is not installed (/usr/lib/postgresql/*/bin/initdb): run scripts/install-deps.sh";
    return;
  }
  if (::geteuid() == 0) {
    // PostgreSQL will not run as root: the cluster's folder is the postgres user's.
    if (run("chown -R postgres: " + quote(dir_.path().string())).exit_code != 0) {
      error_ = "could not give the cluster's folder to the postgres user";
      return;
    }
  }
  port_ = free_loopback_port();
  const std::string data = (dir_ / "data").string(), sockets = dir_.path().string();
  auto init = run(as_owner(quote((bin_ / "initdb").string()) + " -D " + quote(data) + " -A trust -U obsbgm -E UTF8 --no-sync"));
  if (init.exit_code != 0) {
    error_ = "initdb failed: " + init.err;
    return;
  }
  const std::string opts = "-p " + std::to_string(port_) + " -k " + sockets + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200";
  auto start = run(as_owner(quote((bin_ / "pg_ctl").string()) + " -D " + quote(data) + " -l " + quote((dir_ / "log").string()) + " -o " + quote(opts) +
                            " -w -t 30 start"));
  if (start.exit_code != 0) {
    error_ = "PostgreSQL did not start: " + start.out + start.err + read_file(dir_ / "log");
    return;
  }
  started_ = true;
}

bool PgCluster::restart() {
  return run(as_owner(quote((bin_ / "pg_ctl").string()) + " -D " + quote((dir_ / "data").string()) + " -m immediate -w -t 30 restart")).exit_code == 0;
}

PgCluster::~PgCluster() {
  if (started_) run(as_owner(quote((bin_ / "pg_ctl").string()) + " -D " + quote((dir_ / "data").string()) + " -m immediate -w stop"));
}

std::string PgCluster::create_database(const std::string& name) {
  auto made = run(quote((bin_ / "createdb").string()) + " -h 127.0.0.1 -p " + std::to_string(port_) + " -U obsbgm " + quote(name));
  if (made.exit_code != 0) return {};
  return "postgresql://obsbgm@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

std::string PgCluster::sql(const std::string& name, const std::string& statement) {
  auto out = run(quote((bin_ / "psql").string()) + " -X -q -At -h 127.0.0.1 -p " + std::to_string(port_) + " -U obsbgm -d " + quote(name) + " -c " + quote(statement));
  std::string text = out.out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace bgm::test
