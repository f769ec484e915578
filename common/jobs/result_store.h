#pragma once
// The finished results a user keeps across restarts (the dock's list): what was made, from what, and where it is.
// Stored as JSON (written to a temporary name and renamed, readable by the owner only); a damaged or foreign file
// is set aside as <file>.bad and the list starts empty, never failing the caller.
// Thread: a ResultStore belongs to one thread at a time (the plugin guards it with its lock); write() may be called
// from any thread with a copy of the list, so the disk is used outside that lock.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace bgm {

struct SavedResult {
  std::filesystem::path output;
  std::filesystem::path source;  // empty: from text alone
  std::string style_id;
  std::string style_name;
  std::string prompt;
  double duration_s = 0;
  bool has_video = false;
  std::int64_t created_unix = 0;
  std::string session_id;  // the session to refine it in ("" when none)
  std::string summary;     // its timeline, as a person reads it
};

class ResultStore {
 public:
  static constexpr size_t kMaxResults = 200;  // the oldest go first
  static constexpr std::uintmax_t kMaxFileBytes = 4u << 20;  // a larger file is not one we wrote

  explicit ResultStore(std::filesystem::path file);
  // Reads the file; a missing file is an empty list. Returns a note for the log when a damaged file was set aside.
  std::string load();
  const std::vector<SavedResult>& results() const { return results_; }  // newest first
  // Adds a result (newest first), in memory; save() or write() puts it on disk.
  void add(SavedResult result);
  // Saves the list. Errors: kIo (the message says why).
  Status save() const { return write(file_, results_); }
  static Status write(const std::filesystem::path& file, const std::vector<SavedResult>& results);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::vector<SavedResult> results_;
};

}  // namespace bgm
