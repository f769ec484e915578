#include "cli/remote_job.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "backend/cloud_backend.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "core/json_text.h"

namespace bgm::cli {

Result<std::optional<NemoConfig>> remote_backend_from(const Args& args) {
  const std::string backend = args.get("--backend").value_or("local");
  if (backend == "local") {
    if (args.has("--api-base")) return make_error(ErrorCode::kInvalidArgument, "--api-base is for --backend nemovideo.");
    return std::optional<NemoConfig>();
  }
  if (backend != "nemovideo") return make_error(ErrorCode::kInvalidArgument, "--backend is local or nemovideo, not '" + backend.substr(0, 40) + "'.");
  NemoConfig config;
  if (auto base = args.get("--api-base")) {
    if (base->rfind("http://", 0) != 0 && base->rfind("https://", 0) != 0) {
      return make_error(ErrorCode::kInvalidArgument, "--api-base is an http:// or https:// address.");
    }
    config.api_base = *base;
  }
  config = nemo_config_from_env(config);
  if (config.api_base != kNemoDefaultApiBase) config.name = "the render server";
  config.state_dir = default_nemo_state_dir();
  return std::optional<NemoConfig>(config);
}

int run_remote_job(const NemoConfig& config, const JobRequest& job, bool json, bool quiet) {
  CloudBackend backend(config);
  CancelToken& cancel = cancel_on_interrupt();
  ProgressBar bar(!quiet && !json);
  JobEvents events;
  events.progress = [&](Stage s, double f) { bar.update(s, f); };
  events.transcript = [&](const TranscriptLine& line) {
    if (json || quiet || line.id == "Wrote") return;
    bar.finish();
    std::printf("%s\n", line.text.c_str());
    std::fflush(stdout);
  };
  auto earlier = backend.deliver_pending(events, &cancel);
  if (earlier && !json && !quiet) {
    for (const auto& r : *earlier) std::printf("Delivered an earlier export: %s\n", r.output.c_str());
  }
  auto result = backend.run(job, events, &cancel);
  bar.finish();
  if (!result) return report_failure(result.error(), json);
  const JobResult& r = *result;
  if (json) {
    const nlohmann::json out = {{"ok", true},          {"output", r.output.string()}, {"duration_s", r.duration_s},
                                {"style", r.style_id}, {"style_name", r.style_name},  {"has_video", r.has_video},
                                {"session_id", r.session_id}, {"summary", r.summary}, {"backend", config.name}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  if (!quiet) {
    if (!r.summary.empty()) std::printf("%s\n", r.summary.c_str());
    std::printf("Wrote %s (%.3f s, %s)\n", r.output.c_str(), r.duration_s, config.name.c_str());
  }
  return kExitOk;
}

}  // namespace bgm::cli
