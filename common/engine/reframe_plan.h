#pragma once
// Where a 9:16 window sits in a 16:9 picture, shot by shot (what an editor's auto-reframe does): a shot whose
// activity mostly fits a window that follows it is cropped, with the window holding still inside a dead zone,
// easing into pans no faster than a third of the width a second, and jumping only at cuts; any other shot (its
// action spread wide, or nothing moving) is fitted whole over a blurred copy. With Reframe::kFit every shot is.
// Thread: pure functions over values; any thread.

#include <optional>
#include <vector>

#include "analysis/column_activity.h"
#include "media/export_preset.h"

namespace bgm {

struct ReframeSettings {
  double dead_zone = 0.10;      // of the window's width: it holds while the action stays this close to its aim
  double max_speed = 1.0 / 3;   // widths per second
  double max_accel = 0.5;       // widths per second per second: pans ease in and out
  double follow = 3.0;          // per second: how quickly a pan closes the distance beyond the dead zone
  double min_coverage = 0.80;   // the share of a shot's activity the moving window must hold to crop it
  double min_activity = 0.15;   // per sample (thumbnail change above the frame's own noise): less is a still shot
};

struct ReframePoint {
  double t = 0;       // seconds from the start of the export
  double centre = 0;  // the window's centre, as a fraction of the source's width
};

struct ReframeShot {
  double start = 0, end = 0;
  bool crop = false;
  double coverage = 0;  // the share of the shot's activity inside the moving window
  std::vector<ReframePoint> path;  // crop shots: the window's centre over time
};

struct ReframePlan {
  double window = 1;  // the crop window's width, as a fraction of the source's width
  std::vector<ReframeShot> shots;
  // The window's left edge (fraction of the width) at `t`, or nullopt where the frame is fitted.
  std::optional<double> crop_left_at(double t) const;
};

// The width of a window of the target's shape in a source picture, as a fraction of the source's width (1: none).
double crop_window(int source_width, int source_height, int target_width, int target_height);

// `cuts`: shot changes, seconds from the start of the export; `duration`: its length.
ReframePlan plan_reframe(Reframe mode, double window, double duration, const std::vector<double>& cuts, const ColumnActivity& activity,
                         const ReframeSettings& settings = {});

}  // namespace bgm
