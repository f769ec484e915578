#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace bgm::cli {

double overall_fraction(Stage stage, double fraction) {
  struct Span { Stage stage; double from, to; };
  static const Span spans[] = {
      {Stage::kUnderstanding, 0.00, 0.01}, {Stage::kAnalysing, 0.01, 0.20}, {Stage::kComposing, 0.20, 0.22},
      {Stage::kLoadingSounds, 0.22, 0.27}, {Stage::kRendering, 0.27, 0.80}, {Stage::kMastering, 0.80, 0.88},
      {Stage::kMixing, 0.88, 0.90},        {Stage::kExporting, 0.90, 1.00}, {Stage::kDone, 1.00, 1.00},
  };
  for (const auto& s : spans)
    if (s.stage == stage) return s.from + (s.to - s.from) * std::clamp(fraction, 0.0, 1.0);
  return 0;
}

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}
ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(Stage stage, double fraction) {
  if (!enabled_) return;
  const int percent = static_cast<int>(overall_fraction(stage, fraction) * 100);
  if (percent == last_percent_ && stage == last_stage_) return;
  last_percent_ = percent;
  last_stage_ = stage;
  constexpr int kWidth = 28;
  const int filled = percent * kWidth / 100;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '-');
  std::fprintf(stderr, "\r[%s] %3d%% %-16s", bar.c_str(), percent, std::string(stage_label(stage)).c_str());
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_ || last_percent_ < 0) return;
  std::fprintf(stderr, "\r%60s\r", "");
  std::fflush(stderr);
  last_percent_ = -1;
}

}  // namespace bgm::cli
