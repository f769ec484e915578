#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/json_text.h"
#include "spec/style_catalog.h"

namespace bgm::cli {

int run_styles(const std::vector<std::string>& args) {
  const bool json = !args.empty() && args[0] == "--json";
  const auto& catalog = StyleCatalog::builtin();
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : catalog.styles())
      out.push_back({{"id", s.id}, {"name", s.name}, {"name_zh", s.name_zh}, {"tempo", s.tempo}, {"aliases", s.aliases}});
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  for (const auto& s : catalog.styles()) {
    std::printf("%-12s %-18s %3d-%3d BPM   e.g. \"%s\"\n", s.id.c_str(), s.name.c_str(), s.tempo[0], s.tempo[1],
                s.aliases.empty() ? s.id.c_str() : s.aliases.front().c_str());
  }
  return kExitOk;
}

}  // namespace bgm::cli
