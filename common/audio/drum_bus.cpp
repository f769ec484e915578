#include "audio/drum_bus.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/limiter.h"
#include "audio/loudness.h"
#include "core/parallel.h"

namespace bgm {

namespace {

struct StretchTaming {
  float deepest = 1.0f;
  Status failure;
};

// One stretch: the drums limited (or, where all is silent, copied) and written in place, with `beside` added.
void tame_stretch(const AudioFrames& drums, const LimiterSettings& s, bool limit, const AudioFrames* beside, const AudioStretch& st,
                  const AudioStore& store, const CancelToken* cancel, StretchTaming& out) {
  std::vector<float> l, r, bl, br;
  auto write = [&](size_t first, const float* g, size_t count) {
    l.resize(count), r.resize(count);
    drums.read_at(first, l.data(), r.data(), count);
    for (size_t k = 0; k < count; ++k) {
      out.deepest = std::min(out.deepest, g[k]);
      l[k] *= g[k], r[k] *= g[k];
    }
    if (beside) {
      bl.resize(count), br.resize(count);
      beside->read_at(first, bl.data(), br.data(), count);
      for (size_t k = 0; k < count; ++k) l[k] = bl[k] + l[k], r[k] = br[k] + r[k];
    }
    out.failure = store.write_at(first, l.data(), r.data(), count);
    if (out.failure && cancel && cancel->cancelled()) out.failure = Error{ErrorCode::kCancelled, "Cancelled."};
    return out.failure.ok();
  };
  if (limit) {
    stream_limiter_gain(drums, 1.0f, s, st.first, st.end, write);
    return;
  }
  // Silence everywhere: copied as it is.
  const std::vector<float> unity(16384, 1.0f);
  for (size_t first = st.first; first < st.end && out.failure; first += unity.size())
    write(first, unity.data(), std::min(unity.size(), st.end - first));
}

}  // namespace

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
  // Long audio in stretches on up to `threads` threads.
  const std::vector<AudioStretch> stretches = limiter_stretches(drums, s);
  const bool any_thread = drums.reads_from_any_thread() && (!beside || beside->reads_from_any_thread());
  std::vector<StretchTaming> parts(stretches.size());
  run_tasks(stretches.size(), any_thread ? settings.threads : 1,
            [&](size_t i) { tame_stretch(drums, s, limit, beside, stretches[i], out.audio, cancel, parts[i]); });
  float deepest = 1.0f;
  for (const StretchTaming& part : parts) {
    if (!part.failure) return part.failure.error();
    deepest = std::min(deepest, part.deepest);
  }
  if (auto ok = drums.status(); !ok) return ok.error();
  if (beside)
    if (auto ok = beside->status(); !ok) return ok.error();
  out.audio.written(drums.frames());
  out.max_reduction_db = -gain_to_db(deepest);
  return out;
}

}  // namespace bgm
