#pragma once
// A fuzz target's scratch folder: one per process under the temporary folder, removed when the process ends normally
// (a crash leaves it with the input that caused it). Used by the targets in this folder only.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

// The folder, made on first use; `name` tells targets apart (obs-bgm-fuzz-NAME-PID).
inline const std::filesystem::path& fuzz_scratch(const char* name) {
  struct Scratch {
    std::filesystem::path path;
    explicit Scratch(const char* n) : path(std::filesystem::temp_directory_path() / ("obs-bgm-fuzz-" + std::string(n) + "-" + std::to_string(getpid()))) {
      std::filesystem::create_directories(path);
    }
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Scratch scratch(name);
  return scratch.path;
}
