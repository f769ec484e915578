#include "backend/backend.h"

#include "media/export_preset.h"

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

Status apply_job_export(const JobRequest& job, Draft& draft) {
  DraftExport settings = draft.export_settings();
  if (!job.export_preset.empty()) {
    auto preset = require_export_preset(job.export_preset);
    if (!preset) return preset.error();
    settings.preset = (*preset)->id;
  }
  if (!job.export_reframe.empty()) {
    const auto reframe = parse_reframe(job.export_reframe);
    if (!reframe) return make_error(ErrorCode::kInvalidArgument, "A reframe is fit or crop, not '" + job.export_reframe + "'.");
    settings.reframe = reframe_name(*reframe);
  }
  if (!job.export_preset.empty() || !job.export_reframe.empty()) draft.set_export_settings(settings);
  return {};
}

std::string result_stem(const std::string& name, const Draft& draft) {
  const auto preset = draft.export_settings().preset;
  return name + "-bgm" + (preset ? "-" + *preset : std::string());
}

}  // namespace bgm
