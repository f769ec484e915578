// Features with arbitrary timestamps and frame rates (what a broken file or a live capture can hold): the analysis
// built from them allocates what the hour allows, never what a timestamp claims, and holds no NaN.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>

#include "analysis/analysis.h"
#include "analysis/live_analysis.h"
#include "fuzz_check.h"
#include "spec/music_spec.h"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  bgm::VideoFeatures f;
  f.fps = hostile_double(in);
  f.duration_s = hostile_double(in);
  const size_t n = in.ConsumeIntegralInRange<size_t>(0, 4000);
  for (size_t i = 0; i < n && in.remaining_bytes() > 0; ++i) {
    bgm::FrameFeature fr;
    fr.t = hostile_double(in);
    fr.diff = in.ConsumeFloatingPointInRange(0.0f, 1.0f);
    fr.hist_diff = in.ConsumeFloatingPointInRange(0.0f, 1.0f);
    fr.luma = in.ConsumeFloatingPointInRange(0.0f, 1.0f);
    f.frames.push_back(fr);
  }
  const size_t bound = static_cast<size_t>(bgm::kMaxDurationS / bgm::kCurveIntervalS) + 4;
  const auto a = bgm::analysis_from_features(f, "fuzz");
  FUZZ_CHECK(a.motion.size() <= bound && a.brightness.size() <= bound);
  for (float v : a.motion) FUZZ_CHECK(std::isfinite(v));
  FUZZ_CHECK(std::isfinite(a.mood.valence) && std::isfinite(a.mood.energy));
  // The same frames gathered live in OBS.
  bgm::LiveAnalysis::Capture capture;
  capture.features = f;
  for (int i = 0; i < 3 && in.remaining_bytes() > 0; ++i) capture.scene_switches.push_back(hostile_double(in));
  if (const auto live = bgm::analysis_from_capture(std::move(capture), hostile_double(in), "fuzz")) {
    FUZZ_CHECK(live->motion.size() <= bound);
    for (double s : live->scene_switches) FUZZ_CHECK(std::isfinite(s));
  }
  return 0;
}
