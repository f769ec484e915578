#include "audio/master.h"

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"
#include "audio/limiter.h"
#include "audio/loudness.h"

namespace bgm {
namespace {

struct PassResult {
  std::vector<AudioStore> audio;
  KMeter meter;  // the mix as written (before the trim its stores apply as they are read)
  float deepest = 1.0f;
  size_t limited = 0;  // frames cut by more than 1 dB
};

Error cancelled() { return {ErrorCode::kCancelled, "Cancelled."}; }

// One pass: the limiter's gain applied to every source as it is written, the mix measured as it goes.
Result<PassResult> limit_and_write(const std::vector<const AudioFrames*>& sources, float gain, const LimiterSettings& lim,
                                   const std::filesystem::path& dir, const CancelToken* cancel) {
  const AudioFrames& mix = *sources.front();
  PassResult r{{}, KMeter(mix.sample_rate())};
  for (const AudioFrames* source : sources) {
    auto store = AudioStore::create(dir, source->sample_rate());
    if (!store) return store.error();
    r.audio.push_back(std::move(store).value());
  }
  KMeter& meter = r.meter;
  Status failure;
  std::vector<float> l, rr;
  stream_limiter_gain(mix, gain, lim, [&](size_t first, const float* g, size_t count) {
    l.resize(count), rr.resize(count);
    for (size_t k = 0; k < count; ++k) {
      r.deepest = std::min(r.deepest, g[k]);
      r.limited += g[k] < 0.891f;  // more than 1 dB of reduction: the least a listener could notice
    }
    for (size_t i = 0; i < sources.size(); ++i) {
      sources[i]->read_at(first, l.data(), rr.data(), count);
      for (size_t k = 0; k < count; ++k) {
        const float total = gain * g[k];
        l[k] *= total, rr[k] *= total;
      }
      if (i == 0) meter.add(l.data(), rr.data(), count);
      if (auto ok = r.audio[i].append(l.data(), rr.data(), count); !ok) {
        failure = ok;
        return false;
      }
    }
    if (cancel && cancel->cancelled()) failure = cancelled();
    return failure.ok();
  });
  if (!failure) return failure.error();
  for (size_t i = 0; i < sources.size(); ++i) {
    if (auto ok = sources[i]->status(); !ok) return ok.error();
    if (auto ok = r.audio[i].finish(); !ok) return ok.error();
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
  report.input_lufs = KMeter::integrated(mix);
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
    auto r = limit_and_write(sources, static_cast<float>(db_to_gain(gain_db)), lim, dir, cancel);
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
