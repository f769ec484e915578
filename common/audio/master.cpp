#include "audio/master.h"

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"
#include "audio/limiter.h"
#include "audio/loudness.h"
#include "audio/stretches.h"
#include "core/parallel.h"

namespace bgm {
namespace {

struct PassResult {
  std::vector<AudioStore> audio;
  KMeter meter;  // the mix as written (before the trim its stores apply as they are read)
  float deepest = 1.0f;
  size_t limited = 0;  // frames cut by more than 1 dB
};

Error cancelled() { return {ErrorCode::kCancelled, "Cancelled."}; }

// One stretch of a pass: the limiter's gain applied to every source as it is written in place, the mix measured
// as it goes (from its meter's warm-up on, whose sub-blocks are then dropped).
struct StretchPass {
  KMeter meter;
  float deepest = 1.0f;
  size_t limited = 0;
  Status failure;
};

void limit_stretch(const std::vector<const AudioFrames*>& sources, float gain, const LimiterSettings& lim, const AudioStretch& st,
                   const std::vector<AudioStore>& stores, const CancelToken* cancel, StretchPass& out) {
  const AudioFrames& mix = *sources.front();
  const size_t warm = meter_warm_up_frames(st, mix.sample_rate());
  std::vector<float> l, rr;
  stream_limiter_gain(mix, gain, lim, st.first - warm, st.end, [&](size_t first, const float* g, size_t count) {
    l.resize(count), rr.resize(count);
    // Frames before the stretch are heard by the meter only (the stretch before writes them).
    const size_t skip = first < st.first ? std::min(count, st.first - first) : 0;
    for (size_t k = skip; k < count; ++k) {
      out.deepest = std::min(out.deepest, g[k]);
      out.limited += g[k] < 0.891f;  // more than 1 dB of reduction: the least a listener could notice
    }
    for (size_t i = 0; i < sources.size() && (i == 0 || skip < count); ++i) {  // the stems only where written
      sources[i]->read_at(first, l.data(), rr.data(), count);
      for (size_t k = 0; k < count; ++k) {
        const float total = gain * g[k];
        l[k] *= total, rr[k] *= total;
      }
      if (i == 0) {
        out.meter.add(l.data(), rr.data(), skip);
        if (skip > 0 && first + skip == st.first) (void)out.meter.take_sub_blocks();  // the warm-up's
        out.meter.add(l.data() + skip, rr.data() + skip, count - skip);
      }
      if (skip == count) continue;
      if (auto ok = stores[i].write_at(first + skip, l.data() + skip, rr.data() + skip, count - skip); !ok) {
        out.failure = ok;
        return false;
      }
    }
    if (cancel && cancel->cancelled()) out.failure = cancelled();
    return out.failure.ok();
  });
}

// One pass: long audio in stretches (limiter_stretches) on up to `threads` threads.
Result<PassResult> limit_and_write(const std::vector<const AudioFrames*>& sources, float gain, const LimiterSettings& lim,
                                   const std::filesystem::path& dir, int threads, const CancelToken* cancel) {
  const AudioFrames& mix = *sources.front();
  const int rate = mix.sample_rate();
  PassResult r{{}, KMeter(rate)};
  for (const AudioFrames* source : sources) {
    auto store = AudioStore::create(dir, source->sample_rate());
    if (!store) return store.error();
    r.audio.push_back(std::move(store).value());
  }
  const std::vector<AudioStretch> stretches = limiter_stretches(mix, lim);
  const bool any_thread = std::all_of(sources.begin(), sources.end(), [](const AudioFrames* s) { return s->reads_from_any_thread(); });
  std::vector<StretchPass> parts(stretches.size(), StretchPass{KMeter(rate), 1.0f, 0, {}});
  run_tasks(stretches.size(), any_thread ? threads : 1,
            [&](size_t i) { limit_stretch(sources, gain, lim, stretches[i], r.audio, cancel, parts[i]); });
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].failure) return parts[i].failure.error();
    if (i == 0) r.meter = std::move(parts[i].meter);
    else r.meter.append_sub_blocks(parts[i].meter.take_sub_blocks());
    r.deepest = std::min(r.deepest, parts[i].deepest);
    r.limited += parts[i].limited;
  }
  for (size_t i = 0; i < sources.size(); ++i) {
    if (auto ok = sources[i]->status(); !ok) return ok.error();
    r.audio[i].written(mix.frames());
  }
  return r;
}

}  // namespace

Result<MasteredAudio> master_audio(const std::vector<const AudioFrames*>& sources, const MasterSettings& settings,
                                   const std::filesystem::path& dir, const CancelToken* cancel) {
  if (sources.empty()) return make_error(ErrorCode::kInternal, "Nothing to master.");
  const AudioFrames& mix = *sources.front();
  MasteredAudio out;
  MasterReport& report = out.report;
  report.input_lufs = KMeter::measure(mix, settings.threads).integrated_lufs();
  if (auto ok = mix.status(); !ok) return ok.error();
  if (!std::isfinite(report.input_lufs) || report.input_lufs < -70) {
    return make_error(ErrorCode::kInternal, "The rendered music is silent, so there is nothing to master.");
  }
  LimiterSettings lim;
  lim.ceiling_dbtp = settings.ceiling_dbtp;
  lim.circular = settings.loop;
  // The static trim after the last pass may lift peaks by at most this much: the ceiling sits that far below
  // the -1 dBTP promise.
  const double max_trim_db = std::clamp(-1.0 - settings.ceiling_dbtp - 0.05, 0.0, 0.25);

  // Limiting takes a little loudness away: a shortfall the ceiling's margin can absorb is a static trim (applied
  // as the stores are read back); a larger one is another pass with more gain.
  double gain_db = settings.target_lufs - report.input_lufs;
  for (int pass = 0;; ++pass) {
    if (cancel && cancel->cancelled()) return cancelled();
    auto r = limit_and_write(sources, static_cast<float>(db_to_gain(gain_db)), lim, dir, settings.threads, cancel);
    if (!r) return r.error();
    const double missing_db = settings.target_lufs - r->meter.integrated_lufs();
    if (missing_db > max_trim_db && pass < 3) {
      gain_db += missing_db;
      continue;
    }
    const double trim_db = std::fabs(missing_db) > 0.005 ? std::min(missing_db, max_trim_db) : 0.0;
    for (auto& store : r->audio) store.set_read_gain(static_cast<float>(db_to_gain(trim_db)));
    report.gain_db = gain_db + trim_db;
    report.output_lufs = r->meter.integrated_lufs(trim_db);  // as the stores read, trim included
    report.max_gain_reduction_db = -gain_to_db(r->deepest);
    report.limited_share = mix.frames() == 0 ? 0 : static_cast<double>(r->limited) / static_cast<double>(mix.frames());
    out.audio = std::move(r->audio);
    return out;
  }
}

}  // namespace bgm
