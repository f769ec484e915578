#include "audio/master.h"

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"
#include "audio/limiter.h"
#include "audio/loudness.h"

namespace bgm {
namespace {

struct PassResult {
  double lufs = 0;
  float deepest = 1.0f;
  size_t limited = 0;  // frames cut by more than 1 dB
  bool cancelled = false;
};

// One limiting pass over the mix, measuring the result as it goes.
PassResult limited_pass(const AudioFrames& mix, float gain, const LimiterSettings& lim, const CancelToken* cancel) {
  PassResult r;
  KMeter meter(mix.sample_rate());
  std::vector<float> l, rr;
  stream_limiter_gain(mix, gain, lim, [&](size_t first, const float* g, size_t count) {
    l.resize(count), rr.resize(count);
    mix.read_at(first, l.data(), rr.data(), count);
    for (size_t k = 0; k < count; ++k) {
      r.deepest = std::min(r.deepest, g[k]);
      r.limited += g[k] < 0.891f;  // more than 1 dB of reduction: the least a listener could notice
      const float total = gain * g[k];
      l[k] *= total, rr[k] *= total;
    }
    meter.add(l.data(), rr.data(), count);
    r.cancelled = cancel && cancel->cancelled();
    return !r.cancelled;
  });
  r.lufs = meter.integrated_lufs();
  return r;
}

Error cancelled() { return {ErrorCode::kCancelled, "Cancelled."}; }

}  // namespace

Result<MasterPlan> plan_master(const AudioFrames& mix, const MasterSettings& settings, const CancelToken* cancel) {
  MasterPlan plan;
  MasterReport& report = plan.report;
  report.input_lufs = KMeter::integrated(mix);
  if (auto ok = mix.status(); !ok) return ok.error();
  if (!std::isfinite(report.input_lufs) || report.input_lufs < -70) {
    return make_error(ErrorCode::kInternal, "The rendered music is silent, so there is nothing to master.");
  }
  LimiterSettings& lim = plan.limiter;
  lim.ceiling_dbtp = settings.ceiling_dbtp;
  lim.circular = settings.loop;
  // The static trim after the last pass may lift peaks by at most this much: the ceiling sits that far below
  // the -1 dBTP promise.
  const double max_trim_db = std::clamp(-1.0 - settings.ceiling_dbtp - 0.05, 0.0, 0.25);

  // Gain and limit in one pass; limiting takes a little loudness away, so measure and make it up. A shortfall the
  // ceiling's margin can absorb is a static trim; a larger one (heavy limiting) is another pass with more gain.
  double gain_db = settings.target_lufs - report.input_lufs;
  double missing_db = 0;
  float deepest = 1.0f;
  size_t limited = 0;
  for (int pass = 0; pass < 4; ++pass) {
    if (cancel && cancel->cancelled()) return cancelled();
    const PassResult r = limited_pass(mix, static_cast<float>(db_to_gain(gain_db)), lim, cancel);
    if (r.cancelled) return cancelled();
    deepest = std::min(deepest, r.deepest);
    limited = std::max(limited, r.limited);
    report.output_lufs = r.lufs;
    missing_db = settings.target_lufs - r.lufs;
    if (missing_db <= max_trim_db) break;
    gain_db += missing_db;
  }
  if (auto ok = mix.status(); !ok) return ok.error();
  plan.gain = static_cast<float>(db_to_gain(gain_db));
  report.gain_db = gain_db;
  if (std::fabs(missing_db) > 0.005) {
    const double trim_db = std::min(missing_db, max_trim_db);
    plan.trim = static_cast<float>(db_to_gain(trim_db));
    report.gain_db += trim_db;
    report.output_lufs += trim_db;
  }
  report.max_gain_reduction_db = -gain_to_db(deepest);
  report.limited_share = mix.frames() == 0 ? 0 : static_cast<double>(limited) / static_cast<double>(mix.frames());
  return plan;
}

Result<std::vector<AudioStore>> write_mastered(const std::vector<const AudioFrames*>& sources, const MasterPlan& plan,
                                               const std::filesystem::path& dir, const CancelToken* cancel) {
  std::vector<AudioStore> out;
  for (const AudioFrames* source : sources) {
    auto store = AudioStore::create(dir, source->sample_rate());
    if (!store) return store.error();
    out.push_back(std::move(store).value());
  }
  if (sources.empty()) return out;
  Status failure;
  std::vector<float> l, r;
  stream_limiter_gain(*sources.front(), plan.gain, plan.limiter, [&](size_t first, const float* g, size_t count) {
    l.resize(count), r.resize(count);
    for (size_t i = 0; i < sources.size(); ++i) {
      sources[i]->read_at(first, l.data(), r.data(), count);
      for (size_t k = 0; k < count; ++k) {
        const float total = plan.gain * g[k] * plan.trim;
        l[k] *= total, r[k] *= total;
      }
      if (auto ok = out[i].append(l.data(), r.data(), count); !ok) {
        failure = ok;
        return false;
      }
    }
    if (cancel && cancel->cancelled()) {
      failure = cancelled();
      return false;
    }
    return true;
  });
  if (!failure) return failure.error();
  for (size_t i = 0; i < sources.size(); ++i) {
    if (auto ok = sources[i]->status(); !ok) return ok.error();
    if (auto ok = out[i].finish(); !ok) return ok.error();
  }
  return out;
}

}  // namespace bgm
