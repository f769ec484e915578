#include "server/data_sweep.h"

#include <chrono>
#include <set>
#include <string>

namespace bgm {
namespace fs = std::filesystem;

namespace {

void remove_counted(const fs::path& file, int& count, uint64_t& bytes) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (fs::remove(file, ec)) {
    ++count;
    bytes += ec ? 0 : size;
  }
}

// Whether a file may be another box's, still being written.
bool maybe_in_use(const fs::path& file, bool shared) {
  if (!shared) return false;
  std::error_code ec;
  const auto written = fs::last_write_time(file, ec);
  return !ec && fs::file_time_type::clock::now() - written < std::chrono::hours(1);
}

}  // namespace

SweepReport sweep_data(SessionStore& store, bool at_start, bool shared) {
  SweepReport report;
  std::error_code ec;
  if (auto expired = store.expire_renders(now_ms())) {
    for (const auto& f : *expired) remove_counted(store.absolute(f), report.expired, report.bytes);
  }
  if (!at_start) return report;
  // Uploads being received are named part_*: at start none is (but on another box that shares the folder).
  for (fs::recursive_directory_iterator it(store.data_dir() / "sessions", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().filename().string().rfind("part_", 0) == 0 && !maybe_in_use(it->path(), shared)) {
      remove_counted(it->path(), report.parts, report.bytes);
    }
  }
  auto named = store.render_files();
  if (!named) return report;
  const std::set<std::string> kept(named->begin(), named->end());
  for (fs::directory_iterator it(store.data_dir() / "renders", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string rel = "renders/" + it->path().filename().string();
    if (it->is_regular_file(ec) && !kept.count(rel) && !maybe_in_use(it->path(), shared)) remove_counted(it->path(), report.orphans, report.bytes);
  }
  return report;
}

}  // namespace bgm
