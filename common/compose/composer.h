#pragma once
// The composer: from a music spec to a score: form, harmony, and every part, with a composed ending (or a
// seamless loop) at exactly the spec's length.
// Thread: any thread; no shared state (the same spec always gives the same score).

#include "compose/score.h"
#include "core/result.h"
#include "spec/music_spec.h"
#include "spec/style_catalog.h"

namespace bgm {

struct FormPlan;

Result<Score> compose(const MusicSpec& spec, const StylePreset& style);
// The same on a form planned elsewhere (plan_form_for_video: sections on a video's cuts).
Result<Score> compose_on_form(const MusicSpec& spec, const StylePreset& style, const FormPlan& plan);

}  // namespace bgm
