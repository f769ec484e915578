// The music spec builder with a prompt and any options (NaN, infinities, absurd values, unknown names): an error
// or a spec in range; short specs are also composed, and every note is finite and inside the piece.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>

#include "compose/composer.h"
#include "fuzz_check.h"
#include "spec/prompt_parser.h"

namespace {

std::optional<double> maybe_double(FuzzedDataProvider& in) {
  if (!in.ConsumeBool()) return std::nullopt;
  return hostile_double(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  bgm::SpecRequest req;
  req.duration_s = maybe_double(in);
  req.tempo_bpm = maybe_double(in);
  req.loudness_lufs = maybe_double(in);
  req.energy_hint = maybe_double(in);
  if (in.ConsumeBool()) req.style = in.ConsumeRandomLengthString(24);
  if (in.ConsumeBool()) req.key = in.ConsumeRandomLengthString(16);
  if (in.ConsumeBool()) req.mood_hint = in.ConsumeRandomLengthString(16);
  if (in.ConsumeBool()) req.seed = in.ConsumeIntegral<uint64_t>();
  req.loop = in.ConsumeBool();
  req.prompt = in.ConsumeRemainingBytesAsString();
  const auto& catalog = bgm::StyleCatalog::builtin();
  const auto spec = bgm::build_music_spec(req, catalog);
  if (!spec) return 0;
  FUZZ_CHECK(spec->duration_s >= bgm::kMinDurationS && spec->duration_s <= bgm::kMaxDurationS);
  FUZZ_CHECK(spec->tempo_bpm >= bgm::kMinTempo && spec->tempo_bpm <= bgm::kMaxTempo);
  FUZZ_CHECK(spec->energy >= 0 && spec->energy <= 1);
  if (spec->duration_s > 20) return 0;  // composing is linear in the length: short pieces cover its paths
  const auto score = bgm::compose(*spec, *catalog.find(spec->style_id));
  FUZZ_CHECK(score.ok());
  for (const auto& part : score->parts)
    for (const auto& note : part.notes) FUZZ_CHECK(note.tick >= 0 && note.length > 0 && note.pitch >= 0 && note.pitch < 128);
  return 0;
}
