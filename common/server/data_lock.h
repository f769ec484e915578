#pragma once
// One server per data folder, unless they share a PostgreSQL database: a lock on DATA/serve.lock, held for the
// server's life and released by the kernel when the process ends however it ends (kill -9 included), so a stale
// lock never blocks a restart. A server on SQLite holds it exclusively; boxes on PostgreSQL hold it shared, so they
// may share the folder with each other, never with a server on SQLite.
// Thread: acquire from any thread; the lock is a value owned by one server.

#include <filesystem>

#include "core/result.h"

namespace bgm {

class DataLock {
 public:
  enum class Mode { kAlone, kShared };
  // Errors: kIo when another process holds it in a way that excludes `mode` (the message names what to do), or it
  // cannot be made.
  static Result<DataLock> acquire(const std::filesystem::path& data_dir, Mode mode = Mode::kAlone);
  DataLock(DataLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataLock& operator=(DataLock&& other) noexcept;
  DataLock(const DataLock&) = delete;
  DataLock& operator=(const DataLock&) = delete;
  ~DataLock();

 private:
  explicit DataLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace bgm
