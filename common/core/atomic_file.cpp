#include "core/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/text.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMarker = ".obs-bgm-";

// A new, empty, owner-only file "<dir>/.<name>.obs-bgm-<pid>-XXXXXX<suffix>" (O_EXCL): its descriptor, or -1 with errno.
int create_unique(const fs::path& dir, const std::string& name, const std::string& suffix, fs::path& out) {
  std::string tmpl = (dir / ("." + name + kMarker + std::to_string(getpid()) + "-XXXXXX" + suffix)).string();
  const int fd = mkostemps(tmpl.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
  if (fd >= 0) out = tmpl;
  return fd;
}

// The permissions a new file gets from the process's umask (read without changing it).
mode_t default_file_mode() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(0666 & ~std::strtoul(line.c_str() + 6, nullptr, 8));
  }
  return 0644;
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// "name.mp4" -> "name-<n>.mp4"
fs::path numbered(const fs::path& path, int n) {
  return path.parent_path() / (path.stem().string() + "-" + std::to_string(n) + path.extension().string());
}

// Moves `from` onto `to` only if nothing is there (atomically). Returns 0 or errno.
int rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // A filesystem without RENAME_NOREPLACE: link() never replaces either.
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

Error io_error(const fs::path& destination, int err) {
  std::string msg = "Could not write " + destination.string() + ": " + std::strerror(err) + ".";
  if (err == ENOSPC) msg += " The disk is full: free some space or choose another folder.";
  else msg += " Check that the folder is writable.";
  return make_error(ErrorCode::kIo, msg);
}

}  // namespace

AtomicOutput::AtomicOutput(fs::path destination, OutputPolicy policy) : destination_(std::move(destination)), policy_(policy) {
  fd_ = create_unique(destination_.parent_path(), destination_.filename().string(), destination_.extension().string(), temp_);
  if (fd_ < 0) create_errno_ = errno;
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicOutput::commit() {
  if (fd_ < 0) return io_error(destination_, create_errno_ ? create_errno_ : EBADF);
  // The data reaches the disk before the name does: a power cut leaves the old file or the new one, never an
  // empty one. (fsync works on the file, whichever descriptor wrote it.)
  if (::fsync(fd_) != 0) return io_error(destination_, errno);
  if (::fchmod(fd_, policy_.owner_only ? 0600 : default_file_mode()) != 0) return io_error(destination_, errno);
  ::close(fd_);
  fd_ = -1;
  if (policy_.keep_existing) {
    int err = EEXIST;
    for (int n = 1; n < 10000 && err == EEXIST; ++n) {
      const fs::path target = n == 1 ? destination_ : numbered(destination_, n);
      err = rename_no_replace(temp_, target);
      if (err == 0) destination_ = target;
    }
    if (err != 0) return io_error(destination_, err);
  } else if (::rename(temp_.c_str(), destination_.c_str()) != 0) {
    return io_error(destination_, errno);
  }
  committed_ = true;
  sync_directory(destination_.parent_path());
  return {};
}

Result<WorkFile> WorkFile::create(const fs::path& dir, const std::string& stem, const std::string& suffix) {
  fs::path path;
  const int fd = create_unique(dir, stem, suffix, path);
  if (fd < 0) return io_error(dir / (stem + suffix), errno);
  ::close(fd);
  return WorkFile(std::move(path));
}

WorkFile::WorkFile(WorkFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

WorkFile::~WorkFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status write_file_atomically(const fs::path& path, std::string_view bytes, OutputPolicy policy) {
  AtomicOutput out(path, policy);
  if (!out.temp_path().empty()) {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) return make_error(ErrorCode::kIo, "Could not write " + path.string() + ". Check that the disk is not full.");
  }
  return out.commit();
}

int sweep_leftovers(const fs::path& dir) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const size_t at = name.find(kMarker);
    if (name.empty() || name[0] != '.' || at == std::string::npos) continue;
    const char* digits = name.c_str() + at + std::strlen(kMarker);
    char* rest = nullptr;
    const long pid = std::strtol(digits, &rest, 10);
    if (rest == digits || *rest != '-' || pid <= 0 || pid == getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // that process still runs
    std::error_code rm;
    if (it->is_regular_file(rm) && fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

Status check_writable_output(const fs::path& path) {
  if (path.empty()) return make_error(ErrorCode::kInvalidArgument, "No output file was given. Use -o FILE.");
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return make_error(ErrorCode::kIo, path.string() + " is a folder. Give a file name, for example " +
                                          (path / "music.wav").string() + ".");
  }
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec)) {
    return make_error(ErrorCode::kIo, "The folder " + dir.string() + " does not exist. Create it or choose another output path.");
  }
  if (access(dir.c_str(), W_OK) != 0) {
    return make_error(ErrorCode::kIo, "The folder " + dir.string() + " is not writable. Choose another output path.");
  }
  return {};
}

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
  return ascii_lower(ext);
}

}  // namespace bgm
