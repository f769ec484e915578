#pragma once
// Outputs are written to a temporary name beside the destination and renamed into place only when complete,
// so a failure or a cancel never leaves a half-written file and never touches an existing file until success.
// Temporary and work files are created with unique names (mkstemp: O_EXCL, owner-only), so they can never be an
// existing file such as the input, and carry the process id, so a later run can sweep what a killed one left.
// Thread: an AtomicOutput or WorkFile is owned by one thread; the free functions may be called from any thread.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace bgm {

struct OutputPolicy {
  bool keep_existing = false;  // a file already at the destination stays: the result takes the next free name
  bool owner_only = false;     // the finished file is readable by its owner only (settings, results list)
};

class AtomicOutput {
 public:
  // Creates the temporary file beside `destination` (same directory, hidden, unique).
  explicit AtomicOutput(std::filesystem::path destination, OutputPolicy policy = {});
  ~AtomicOutput();  // removes the temporary file unless commit() succeeded
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  // Empty when the temporary file could not be created (commit() then says why).
  const std::filesystem::path& temp_path() const { return temp_; }
  // The destination; after commit() with keep_existing, the name the file really got ("name-2.mp4").
  const std::filesystem::path& destination() const { return destination_; }

  // Flushes the finished file to disk (fsync), gives it its permissions and moves it onto the destination
  // (then syncs the folder). Errors: kIo.
  Status commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  OutputPolicy policy_;
  int fd_ = -1;
  int create_errno_ = 0;
  bool committed_ = false;
};

// A work file beside an output (a re-encoded video, a still picture's video): a unique new name, created empty and
// owner-only, removed when this goes out of scope whatever happened.
class WorkFile {
 public:
  // Errors: kIo (the folder cannot be written).
  static Result<WorkFile> create(const std::filesystem::path& dir, const std::string& stem, const std::string& suffix);
  WorkFile(WorkFile&& other) noexcept;
  WorkFile& operator=(WorkFile&&) = delete;
  WorkFile(const WorkFile&) = delete;
  ~WorkFile();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit WorkFile(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Writes `bytes` to `path` through an AtomicOutput. Errors: kIo (the message names the file and why).
Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes, OutputPolicy policy = {});

// Removes the temporary and work files in `dir` that a killed obs-bgm (or OBS) left behind: hidden files whose name
// carries ".obs-bgm-<pid>-" for a process that no longer runs. Returns how many were removed.
int sweep_leftovers(const std::filesystem::path& dir);

// Checks before any work starts that `path` can be written: its directory exists and is writable,
// and it is not a directory. The message says what to do.
Status check_writable_output(const std::filesystem::path& path);

// Lower-case extension without the dot ("wav"), or "" when there is none.
std::string lower_extension(const std::filesystem::path& path);

}  // namespace bgm
