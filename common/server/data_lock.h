#pragma once
// One server per data folder: an exclusive lock on DATA/serve.lock, held for the server's life and released by the
// kernel when the process ends however it ends (kill -9 included), so a stale lock never blocks a restart.
// Thread: acquire from any thread; the lock is a value owned by one server.

#include <filesystem>

#include "core/result.h"

namespace bgm {

class DataLock {
 public:
  // Errors: kIo when another process holds it (the message names its pid and what to do), or it cannot be made.
  static Result<DataLock> acquire(const std::filesystem::path& data_dir);
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
