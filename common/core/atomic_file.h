#pragma once
// Outputs are written to a temporary name beside the destination and renamed into place only when complete,
// so a failure or a cancel never leaves a half-written file and never touches an existing file until success.
// Thread: an AtomicOutput is owned by one thread.

#include <filesystem>
#include <string>

#include "core/result.h"

namespace bgm {

class AtomicOutput {
 public:
  // Chooses a temporary path beside `destination` (same directory, hidden, unique per process).
  explicit AtomicOutput(std::filesystem::path destination);
  ~AtomicOutput();  // removes the temporary file unless commit() succeeded
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& destination() const { return destination_; }

  // Renames the temporary file onto the destination.
  Status commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// Removes a temporary file (if it exists) when it goes out of scope, whatever happened.
class ScopedRemoval {
 public:
  explicit ScopedRemoval(std::filesystem::path path) : path_(std::move(path)) {}
  ~ScopedRemoval();
  ScopedRemoval(const ScopedRemoval&) = delete;
  ScopedRemoval& operator=(const ScopedRemoval&) = delete;

 private:
  std::filesystem::path path_;
};

// Checks before any work starts that `path` can be written: its directory exists and is writable,
// and it is not a directory. The message says what to do.
Status check_writable_output(const std::filesystem::path& path);

// Lower-case extension without the dot ("wav"), or "" when there is none.
std::string lower_extension(const std::filesystem::path& path);

}  // namespace bgm
