#pragma once
// Render boxes for the tests and benchmarks of issue 27, all on loopback: either one `obs-bgm serve` on SQLite, or
// a throw-away PostgreSQL cluster, N `obs-bgm serve` boxes on it sharing one data folder, and HAProxy in front,
// configured from the block docs/scale-out.md shows (its addresses replaced by these).
// Thread: the test's thread.

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "store/database.h"
#include "support/pg_cluster.h"
#include "support/serve_process.h"
#include "support/test_support.h"

namespace bgm::test {

enum class FarmKind { kSqlite, kPostgres };
// How GoogleTest names a FarmKind parameter ("postgres", "sqlite").
void PrintTo(FarmKind kind, std::ostream* os);

struct FarmOptions {
  FarmKind kind = FarmKind::kPostgres;
  int boxes = 2;                        // kSqlite: always 1
  std::vector<std::string> serve_args;  // for every box (--workers, --credits, ...)
  double time_scale = 0.1;              // OBS_BGM_NEMO_TIME_SCALE: leases of 6 s, renewed every 2 s
};

class RenderFarm {
 public:
  // Starts everything; error() says what did not start. `cluster` is shared by the tests of one program (each
  // farm gets a database of its own on it); null for kSqlite.
  RenderFarm(FarmOptions options, PgCluster* cluster);
  ~RenderFarm();

  const std::string& error() const { return error_; }
  // The balancer's address (kSqlite: the box's own).
  const std::string& front() const { return front_; }
  // Box i's address ("" while it is stopped).
  std::string box(size_t i) const;
  size_t box_count() const { return boxes_.size(); }
  // Box i's process (null while stopped).
  ServeProcess* process(size_t i) { return boxes_.at(i).get(); }
  // Stops box i with `signal` (SIGTERM: a graceful stop; SIGKILL: a crash). Returns whether it ended.
  bool stop_box(size_t i, int signal);
  // Starts box i again. Returns whether it listens.
  bool start_box(size_t i);
  // One SQL statement on the farm's database, read by this process (SQLite's WAL lets it read beside the box).
  // Any thread.
  Result<SqlResult> sql(const std::string& statement, const std::vector<SqlValue>& params = {});
  const std::filesystem::path& data_dir() const { return data_; }
  // What HAProxy logged (a line per call, naming the box that served it: "boxes/box1").
  std::string balancer_log() const;
  // A command to HAProxy's runtime API (the admin socket of the documented configuration); its answer.
  std::string balancer_say(const std::string& command) const;
  // Every box's log, headed by its name, and HAProxy's.
  std::string logs() const;
  // The database's address ("" for kSqlite).
  const std::string& database() const { return database_; }

 private:
  bool start_balancer();
  FarmOptions options_;
  TempDir dir_;
  std::filesystem::path data_;
  std::string database_, front_, error_;
  std::vector<std::unique_ptr<ServeProcess>> boxes_;
  std::vector<int> ports_;
  std::unique_ptr<ChildProcess> balancer_;
  std::unique_ptr<SharedDatabase> reader_;
};

}  // namespace bgm::test
