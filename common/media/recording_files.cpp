#include "media/recording_files.h"

#include <algorithm>

#include "core/atomic_file.h"
#include "media/media_probe.h"

namespace bgm {
namespace fs = std::filesystem;

bool is_our_result(const fs::path& file) {
  const std::string stem = file.stem().string();
  if (stem.find("-bgm") != std::string::npos || stem.find("-music") != std::string::npos) return true;
  return file.filename().string().find(".bgm.json") != std::string::npos;
}

std::vector<fs::path> recordings_in(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (!entry.is_regular_file(ec) || !is_supported_input_extension(lower_extension(entry.path())) || is_our_result(entry.path())) continue;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> newest_recordings(const fs::path& folder, size_t n) {
  std::vector<std::pair<fs::file_time_type, fs::path>> dated;
  for (const auto& p : recordings_in(folder)) {
    std::error_code ec;
    dated.emplace_back(fs::last_write_time(p, ec), p);
  }
  std::sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<fs::path> out;
  for (size_t i = 0; i < dated.size() && i < n; ++i) out.push_back(dated[i].second);
  return out;
}

}  // namespace bgm
