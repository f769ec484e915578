// obs-bgm credits: what a backend costs right now (the cloud's credits; the local engine is free).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "backend/cloud_backend.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/remote_job.h"
#include "core/json_text.h"

namespace bgm::cli {
namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm credits [--backend nemovideo] [--api-base URL] [--json]\n"
    "\n"
    "Shows the credits left on a backend (connecting first: a free anonymous token when NEMO_TOKEN is not set).\n"
    "The local engine is free and needs none.\n"
    "\n"
    "Examples:\n"
    "  obs-bgm credits --backend nemovideo\n"
    "  obs-bgm credits --backend nemovideo --api-base http://render-box:8765 --json\n";

}  // namespace

int run_credits(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--backend", "--api-base"};
  spec.flags = {"--json", "--help"};
  Args args;
  if (auto done = parse_command(argv, spec, kHelp, args)) return *done;
  const bool json = args.has("--json");
  auto remote = remote_backend_from(args);
  if (!remote) return report_failure(remote.error(), json);
  if (!*remote) {
    if (json) std::printf("%s\n", json_text(nlohmann::json{{"ok", true}, {"backend", "local"}, {"free", true}}).c_str());
    else std::printf("The local engine is free and offline: it uses no credits.\n");
    return kExitOk;
  }
  if (!json) std::printf("Connecting...\n");
  CloudBackend backend(**remote);
  auto s = backend.status(JobRequest{}, &cancel_on_interrupt());
  if (!s) return report_failure(s.error(), json);
  const Credits c = s->credits.value_or(Credits{});
  if (json) {
    std::printf("%s\n", json_text(nlohmann::json{{"ok", true}, {"backend", s->name}, {"account", s->account},
                                                 {"available", c.available}, {"frozen", c.frozen}, {"total", c.total}}).c_str());
  } else {
    std::printf("Ready · %s · %.0f credits (%.0f in use) · %s account\n", s->name.c_str(), c.available, c.frozen, s->account.c_str());
  }
  return kExitOk;
}

}  // namespace bgm::cli
