#include "server/data_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace bgm {

Result<DataLock> DataLock::acquire(const std::filesystem::path& data_dir, Mode mode) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  const std::filesystem::path file = data_dir / "serve.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kIo, "Could not open the data folder's lock " + file.string() + ". Check its permissions.");
  if (mode == Mode::kShared) {
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
      ::close(fd);
      return make_error(ErrorCode::kIo, "An obs-bgm serve on SQLite is using the data folder " + data_dir.string() +
                                            ". Boxes that share a folder share a PostgreSQL database too: stop it, or give this server its own --data.");
    }
    return DataLock(fd);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    const std::string who = n > 0 ? " (process " + std::to_string(std::atol(pid)) + ")" : "";
    return make_error(ErrorCode::kIo, "Another obs-bgm serve" + who + " is using the data folder " + data_dir.string() +
                                          ". Stop it first, or give this server its own --data.");
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The pid is a courtesy for the message above; the lock holds without it.
  }
  return DataLock(fd);
}

DataLock& DataLock::operator=(DataLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DataLock::~DataLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace bgm
