#include "audio/drum_bus.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/limiter.h"
#include "audio/loudness.h"

namespace bgm {

Result<TamedDrums> tame_drum_transients(const AudioFrames& drums, const DrumBusSettings& settings,
                                       const std::filesystem::path& dir, const CancelToken* cancel, const AudioFrames* beside) {
  auto store = AudioStore::create(dir, drums.sample_rate());
  if (!store) return store.error();
  TamedDrums out{std::move(store).value(), 0};
  LimiterSettings s;
  s.ceiling_dbtp = settings.mix_lufs + settings.peak_over_loudness_db;
  s.lookahead_ms = 2.0;
  s.release_ms = 40.0;
  s.circular = settings.loop;
  const bool limit = std::isfinite(settings.mix_lufs);
  float deepest = 1.0f;
  Status failure;
  std::vector<float> l, r, bl, br, unity;
  auto write = [&](size_t first, const float* g, size_t count) {
    l.resize(count), r.resize(count);
    drums.read_at(first, l.data(), r.data(), count);
    for (size_t k = 0; k < count; ++k) {
      deepest = std::min(deepest, g[k]);
      l[k] *= g[k], r[k] *= g[k];
    }
    if (beside) {
      bl.resize(count), br.resize(count);
      beside->read_at(first, bl.data(), br.data(), count);
      for (size_t k = 0; k < count; ++k) l[k] = bl[k] + l[k], r[k] = br[k] + r[k];
    }
    failure = out.audio.append(l.data(), r.data(), count);
    if (failure && cancel && cancel->cancelled()) failure = Error{ErrorCode::kCancelled, "Cancelled."};
    return failure.ok();
  };
  if (limit) {
    stream_limiter_gain(drums, 1.0f, s, write);
  } else {
    // Silence everywhere: copied as it is.
    unity.assign(16384, 1.0f);
    for (size_t first = 0; first < drums.frames() && failure; first += unity.size())
      write(first, unity.data(), std::min(unity.size(), drums.frames() - first));
  }
  if (!failure) return failure.error();
  if (auto ok = drums.status(); !ok) return ok.error();
  if (beside)
    if (auto ok = beside->status(); !ok) return ok.error();
  if (auto ok = out.audio.finish(); !ok) return ok.error();
  out.max_reduction_db = -gain_to_db(deepest);
  return out;
}

}  // namespace bgm
