#pragma once
// Where in the picture things move, across its width: for each sample (5 a second) the change of a 64x36 luma
// thumbnail from the previous sample, summed down each of its 64 columns. A vertical crop follows it.
// Thread: a worker thread; cancel from any thread.

#include <array>
#include <filesystem>
#include <vector>

#include "analysis/feature_tracker.h"
#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

inline constexpr double kActivityIntervalS = 0.2;

struct ActivitySample {
  double t = 0;  // seconds from the start of the measured span
  std::array<float, kThumbWidth> columns{};  // change per column (0.. rows)
};

struct ColumnActivity {
  std::vector<ActivitySample> samples;
};

// Measures [start_s, start_s + duration_s) of the video (the stream's own clock from 0; duration 0: to the end).
// Errors: those of opening the video (kNotFound, kMedia), kCancelled.
Result<ColumnActivity> measure_column_activity(const std::filesystem::path& path, double start_s, double duration_s, const CancelToken* cancel);

}  // namespace bgm
