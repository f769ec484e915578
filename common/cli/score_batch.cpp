#include "cli/score_batch.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/progress_bar.h"
#include "core/atomic_file.h"
#include "core/json_text.h"
#include "media/media_probe.h"
#include "media/recording_files.h"

namespace bgm::cli {
namespace fs = std::filesystem;

Result<std::vector<fs::path>> collect_inputs(const std::vector<std::string>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      const std::vector<fs::path> found = recordings_in(p);
      if (found.empty()) return make_error(ErrorCode::kInvalidArgument, p + " holds nothing to score (" + supported_input_extensions() + ").");
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.emplace_back(p);
    } else {
      return make_error(ErrorCode::kNotFound, "No such file or folder: " + p + ".");
    }
  }
  return out;
}

int run_score_batch(const std::vector<fs::path>& inputs, const ScoreOne& score, bool json, bool quiet) {
  struct Row {
    fs::path input;
    Result<BatchItem> result;
  };
  std::vector<Row> rows;
  const bool talk = !json && !quiet;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (talk) {
      std::printf("[%zu/%zu] %s\n", i + 1, inputs.size(), inputs[i].filename().c_str());
      std::fflush(stdout);
    }
    ProgressBar bar(talk);
    auto result = score(inputs[i], [&](Stage s, double f) { bar.update(s, f); });
    bar.finish();
    if (talk) {
      if (result) std::printf("  -> %s (%.1f s)\n", result->output.filename().c_str(), result->duration_s);
      else std::printf("  FAILED: %s\n", result.error().message.c_str());
      std::fflush(stdout);
    }
    const bool cancelled = !result && result.error().code == ErrorCode::kCancelled;
    rows.push_back({inputs[i], std::move(result)});
    if (cancelled) break;  // Ctrl+C ends the batch, not only the file
  }
  const auto failed = std::count_if(rows.begin(), rows.end(), [](const Row& r) { return !r.result; });
  int code = kExitOk;
  for (const auto& r : rows)
    if (!r.result && code == kExitOk) code = exit_code_for(r.result.error().code);
  if (json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json item = {{"input", r.input.string()}, {"ok", r.result.ok()}};
      if (r.result) item.update({{"output", r.result->output.string()}, {"duration_s", r.result->duration_s}, {"music", r.result->music}});
      else item["error"] = r.result.error().message;
      items.push_back(item);
    }
    std::printf("%s\n", json_text(nlohmann::json{{"ok", failed == 0}, {"scored", rows.size() - failed}, {"failed", failed}, {"results", items}}).c_str());
    return code;
  }
  if (!quiet) {
    size_t width = 9;
    for (const auto& r : rows) width = std::max(width, r.input.filename().string().size());
    std::printf("\n%-*s  %-8s  %s\n", static_cast<int>(width), "Recording", "Result", "File or reason");
    for (const auto& r : rows) {
      std::printf("%-*s  %-8s  %s\n", static_cast<int>(width), r.input.filename().c_str(), r.result ? "ok" : "FAILED",
                  r.result ? (r.result->output.filename().string() + " (" + r.result->music + ")").c_str() : r.result.error().message.c_str());
    }
    std::printf("%zu of %zu scored%s\n", rows.size() - static_cast<size_t>(failed), inputs.size(),
                failed ? (", " + std::to_string(failed) + " failed").c_str() : ".");
  }
  return code;
}

}  // namespace bgm::cli
