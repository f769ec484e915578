#include "backend/backend.h"

namespace bgm {

std::filesystem::path unused_path(const std::filesystem::path& dir, const std::string& stem, const std::string& ext) {
  std::error_code ec;
  for (int n = 1;; ++n) {
    const std::string name = stem + (n == 1 ? "" : "-" + std::to_string(n)) + "." + ext;
    const auto path = dir / name;
    if (!std::filesystem::exists(path, ec)) return path;
  }
}

}  // namespace bgm
