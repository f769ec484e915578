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
};

// One limiting pass, in place on the mix and every stem, measuring the result as it goes.
PassResult limit_in_place(AudioBuffer& mix, std::vector<Stem>& stems, float gain, const LimiterSettings& lim) {
  PassResult r;
  KMeter meter(mix.sample_rate);
  stream_limiter_gain(mix, gain, lim, [&](size_t first, const float* g, size_t count) {
    for (size_t k = 0; k < count; ++k) {
      r.deepest = std::min(r.deepest, g[k]);
      r.limited += g[k] < 0.891f;  // more than 1 dB of reduction: the least a listener could notice
      const float total = gain * g[k];
      mix.left[first + k] *= total;
      mix.right[first + k] *= total;
      for (auto& stem : stems) {
        stem.audio.left[first + k] *= total;
        stem.audio.right[first + k] *= total;
      }
    }
    meter.add(mix.left.data() + first, mix.right.data() + first, count);
  });
  r.lufs = meter.integrated_lufs();
  return r;
}

}  // namespace

Result<MasterReport> master_audio(AudioBuffer& mix, std::vector<Stem>& stems, const MasterSettings& settings,
                                  const CancelToken* cancel) {
  MasterReport report;
  report.input_lufs = KMeter::integrated(mix);
  if (!std::isfinite(report.input_lufs) || report.input_lufs < -70) {
    return make_error(ErrorCode::kInternal, "The rendered music is silent, so there is nothing to master.");
  }
  LimiterSettings lim;
  lim.ceiling_dbtp = settings.ceiling_dbtp;
  lim.circular = settings.loop;
  // The static trim after the last pass may lift peaks by at most this much: the ceiling sits that far below
  // the -1 dBTP promise.
  const double max_trim_db = std::clamp(-1.0 - settings.ceiling_dbtp - 0.05, 0.0, 0.25);

  // Gain and limit in one pass; limiting takes a little loudness away, so measure and make it up. A shortfall the
  // ceiling's margin can absorb is a static trim; a larger one (heavy limiting) is another limiting pass.
  double gain_db = settings.target_lufs - report.input_lufs;
  report.gain_db = gain_db;
  float deepest = 1.0f;
  size_t limited = 0;
  for (int pass = 0; pass < 4; ++pass) {
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    const PassResult r = limit_in_place(mix, stems, static_cast<float>(db_to_gain(gain_db)), lim);
    deepest = std::min(deepest, r.deepest);
    limited = std::max(limited, r.limited);
    report.output_lufs = r.lufs;
    gain_db = settings.target_lufs - r.lufs;  // what is still missing
    if (gain_db <= max_trim_db) break;
    report.gain_db += gain_db;
  }
  if (std::fabs(gain_db) > 0.005) {
    const auto trim = static_cast<float>(db_to_gain(std::min(gain_db, max_trim_db)));
    mix.scale(trim);
    for (auto& stem : stems) stem.audio.scale(trim);
    report.gain_db += std::min(gain_db, max_trim_db);
    report.output_lufs += std::min(gain_db, max_trim_db);
  }
  report.max_gain_reduction_db = -gain_to_db(deepest);
  report.limited_share = mix.frames() == 0 ? 0 : static_cast<double>(limited) / static_cast<double>(mix.frames());
  return report;
}

}  // namespace bgm
