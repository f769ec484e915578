#include "backend/backend.h"

namespace bgm {

void say(const JobEvents& events, std::string id, std::vector<std::string> args, std::string text) {
  if (events.transcript) events.transcript(TranscriptLine{std::move(id), std::move(args), std::move(text)});
}

std::filesystem::path unused_path(const std::filesystem::path& dir, const std::string& stem, const std::string& ext) {
  std::error_code ec;
  for (int n = 1;; ++n) {
    const std::string name = stem + (n == 1 ? "" : "-" + std::to_string(n)) + "." + ext;
    const auto path = dir / name;
    if (!std::filesystem::exists(path, ec)) return path;
  }
}

}  // namespace bgm
