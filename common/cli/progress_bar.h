#pragma once
// A one-line progress bar on a terminal's standard error: stage and overall percent.
// Silent when standard error is not a terminal or when quiet. Thread: the worker that reports progress.

#include <string_view>

#include "core/progress.h"

namespace bgm::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void update(Stage stage, double fraction);
  void finish();  // clears the line

 private:
  bool enabled_;
  int last_percent_ = -1;
  Stage last_stage_ = Stage::kDone;
};

// Overall fraction (0..1) from a stage and the progress within it, by the stages' typical cost.
double overall_fraction(Stage stage, double fraction);

}  // namespace bgm::cli
