#include "cli/failure.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/exit_codes.h"
#include "core/json_text.h"
#include "jobs/job_json.h"

namespace bgm::cli {

int report_failure(const Error& e, bool json) {
  if (json) {
    const nlohmann::json out = {{"ok", false}, {"error", to_json(e)}};
    std::printf("%s\n", json_text(out).c_str());
  }
  std::fprintf(stderr, "obs-bgm: %s\n", e.message.c_str());
  return exit_code_for(e.code);
}

bool wants_json(const std::vector<std::string>& argv) { return std::find(argv.begin(), argv.end(), "--json") != argv.end(); }

std::optional<int> parse_command(const std::vector<std::string>& argv, const ArgSpec& spec, const char* help, Args& out) {
  auto args = parse_args(argv, spec);
  if (!args) return report_failure(args.error(), wants_json(argv));
  if (args->has("--help")) {
    std::fputs(help, stdout);
    return kExitOk;
  }
  out = std::move(args).value();
  return std::nullopt;
}

}  // namespace bgm::cli
