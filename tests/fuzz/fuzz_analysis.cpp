// The analysis reader (the OBS filter's sidecar, or any file given with --analysis) and the form planned from it:
// an error, or an analysis in range whose planned sections and composed notes are finite.
#include <cmath>
#include <cstdint>
#include <string_view>
#include <nlohmann/json.hpp>

#include "analysis/analysis.h"
#include "compose/composer.h"
#include "compose/form.h"
#include "core/json_read.h"
#include "fuzz_check.h"
#include "spec/prompt_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Through the door every sidecar is read with (read_analysis_file): nesting past 64 is refused unbuilt.
  const auto doc = bgm::read_json(std::string_view(reinterpret_cast<const char*>(data), size), "The analysis", {8u << 20, 64});
  if (!doc) return 0;
  auto analysis = bgm::analysis_from_json(*doc);
  if (!analysis) return 0;
  for (auto* curve : {&analysis->motion, &analysis->brightness, &analysis->warmth, &analysis->saturation})
    for (float v : *curve) FUZZ_CHECK(std::isfinite(v) && v >= -1 && v <= 1);
  for (double t : analysis->cuts) FUZZ_CHECK(t >= 0 && t <= analysis->duration_s);
  // Planned on a short piece (composition time grows with the length, not with the input).
  const double length = std::min(analysis->duration_s, 40.0);
  if (!bgm::fit_analysis_to_recording(*analysis, "", length) && analysis->origin != "obs-filter") analysis->origin = "obs-filter";
  bgm::SpecRequest req;
  req.duration_s = std::max(length, bgm::kMinDurationS);
  req.seed = 1;
  req.mood_hint = "calm";
  req.energy_hint = analysis->mood.energy;
  const auto spec = bgm::build_music_spec(req, bgm::StyleCatalog::builtin());
  FUZZ_CHECK(spec.ok());
  const auto& style = *bgm::StyleCatalog::builtin().find(spec->style_id);
  const bgm::FormPlan plan = bgm::plan_form_for_video(*spec, style, {analysis->scene_switches, analysis->cuts, analysis->motion});
  for (const auto& s : plan.sections) FUZZ_CHECK(std::isfinite(s.energy) && s.energy >= 0 && s.energy <= 1);
  const auto score = bgm::compose_on_form(*spec, style, plan);
  FUZZ_CHECK(score.ok());
  return 0;
}
