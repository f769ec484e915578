#include "core/atomic_file.h"

#include "core/text.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <system_error>

namespace bgm {
namespace fs = std::filesystem;

namespace {
std::atomic<unsigned> g_counter{0};
}

AtomicOutput::AtomicOutput(fs::path destination) : destination_(std::move(destination)) {
  const std::string name = "." + destination_.filename().string() + ".part-" + std::to_string(getpid()) + "-" +
                           std::to_string(g_counter.fetch_add(1)) + destination_.extension().string();
  temp_ = destination_.parent_path() / name;
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

Status AtomicOutput::commit() {
  std::error_code ec;
  fs::rename(temp_, destination_, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "Could not move the finished file to " + destination_.string() + ": " +
                                          ec.message() + ". Check that the folder is writable.");
  }
  committed_ = true;
  return {};
}

ScopedRemoval::~ScopedRemoval() {
  std::error_code ec;
  fs::remove(path_, ec);
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
