#include "support/render_farm.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/postgres.h"
#include "store/sqlite.h"

namespace bgm::test {
namespace fs = std::filesystem;

namespace {

int farm_number() {
  static int n = 0;
  return ++n;
}

// The balancer's configuration: the documented one, listening here, with these boxes.
std::string balancer_config(const std::string& documented, int front_port, const fs::path& socket, const std::vector<int>& boxes) {
  std::istringstream in(documented);
  std::ostringstream out;
  std::string line;
  bool servers_written = false;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(' ');
    const std::string word = first == std::string::npos ? "" : line.substr(first, line.find(' ', first) - first);
    if (word == "bind") {
      out << line.substr(0, first) << "bind 127.0.0.1:" << front_port << "\n";
    } else if (word == "stats" && line.find("socket") != std::string::npos) {
      out << line.substr(0, first) << "stats socket " << socket.string() << " mode 600 level admin\n";
    } else if (word == "server") {
      if (!servers_written) {
        servers_written = true;
        for (size_t i = 0; i < boxes.size(); ++i) {
          // "server box1 10.0.0.11:8765 check ..." -> "server box1 127.0.0.1:PORT check ..."
          std::istringstream words(line);
          std::string kw, name, address;
          words >> kw >> name >> address;
          std::string rest;
          std::getline(words, rest);
          out << line.substr(0, first) << "server box" << (i + 1) << " 127.0.0.1:" << boxes[i] << rest << "\n";
        }
      }
    } else {
      out << line << "\n";
    }
  }
  return out.str();
}

}  // namespace

void PrintTo(FarmKind kind, std::ostream* os) { *os << (kind == FarmKind::kPostgres ? "postgres" : "sqlite"); }

RenderFarm::RenderFarm(FarmOptions options, PgCluster* cluster) : options_(std::move(options)) {
  ::setenv("OBS_BGM_NEMO_TIME_SCALE", std::to_string(options_.time_scale).c_str(), 1);
  data_ = dir_ / "data";
  fs::create_directories(data_);
  const int boxes = options_.kind == FarmKind::kSqlite ? 1 : std::max(1, options_.boxes);
  if (options_.kind == FarmKind::kPostgres) {
    if (!cluster || !cluster->error().empty()) {
      error_ = cluster ? cluster->error() : "no PostgreSQL cluster";
      return;
    }
    database_ = cluster->create_database("farm_" + std::to_string(::getpid()) + "_" + std::to_string(farm_number()));
    if (database_.empty()) {
      error_ = "could not create the farm's database";
      return;
    }
  }
  for (int i = 0; i < boxes; ++i) {
    ports_.push_back(free_loopback_port());
    boxes_.emplace_back();
    if (!start_box(static_cast<size_t>(i))) {
      error_ = "box " + std::to_string(i + 1) + " did not start:\n" + logs();
      return;
    }
  }
  if (options_.kind == FarmKind::kSqlite) {
    front_ = box(0);
  } else if (!start_balancer()) {
    error_ = "HAProxy did not start:\n" + logs();
    return;
  }
  auto reader = database_.empty() ? open_sqlite(data_ / "obs-bgm.db") : open_postgres(database_);
  if (!reader) {
    error_ = reader.error().message;
    return;
  }
  reader_ = std::make_unique<SharedDatabase>(std::move(reader).value());
}

RenderFarm::~RenderFarm() {
  balancer_.reset();
  for (auto& b : boxes_) b.reset();
}

bool RenderFarm::start_balancer() {
  const std::string documented = doc_block("scale-out.md", "<!-- haproxy.cfg");
  if (documented.empty()) return false;
  const int front_port = free_loopback_port();
  { std::ofstream(dir_ / "haproxy.cfg") << balancer_config(documented, front_port, dir_ / "admin.sock", ports_); }
  balancer_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/sbin/haproxy", "-db", "-f", (dir_ / "haproxy.cfg").string()},
                                             dir_ / "haproxy.log");
  front_ = "http://127.0.0.1:" + std::to_string(front_port);
  for (int i = 0; i < 200; ++i) {  // up when a health check went through it to a box
    if (run("curl -s -o /dev/null -w '%{http_code}' " + quote(front_ + "/healthz")).out == "200") return true;
    if (!balancer_->running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string RenderFarm::box(size_t i) const { return boxes_.at(i) ? boxes_[i]->url() : std::string(); }

bool RenderFarm::stop_box(size_t i, int signal) {
  if (!boxes_.at(i)) return true;
  const bool ended = boxes_[i]->signal_and_wait(signal, 30);
  if (ended) boxes_[i].reset();
  return ended;
}

bool RenderFarm::start_box(size_t i) {
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(ports_.at(i))};
  if (!database_.empty()) args.insert(args.end(), {"--db", database_, "--trusted-proxy", "127.0.0.1"});
  args.insert(args.end(), options_.serve_args.begin(), options_.serve_args.end());
  boxes_.at(i) = std::make_unique<ServeProcess>(data_, args, dir_ / ("box" + std::to_string(i + 1) + ".log"));
  return !boxes_[i]->url().empty();
}

Result<SqlResult> RenderFarm::sql(const std::string& statement, const std::vector<SqlValue>& params) {
  if (!reader_) return make_error(ErrorCode::kInternal, "the farm did not start");
  return reader_->with([&](SqlDatabase& d) { return d.query(statement, params); });
}

std::string RenderFarm::balancer_log() const { return read_file(dir_ / "haproxy.log"); }

std::string RenderFarm::balancer_say(const std::string& command) const {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string path = (dir_ / "admin.sock").string();
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string line = command + "\n";
    if (::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

std::string RenderFarm::logs() const {
  std::string out;
  for (size_t i = 0; i < ports_.size(); ++i) out += "--- box" + std::to_string(i + 1) + "\n" + read_file(dir_ / ("box" + std::to_string(i + 1) + ".log"));
  if (fs::exists(dir_ / "haproxy.log")) out += "--- haproxy\n" + read_file(dir_ / "haproxy.log");
  return out;
}

}  // namespace bgm::test
