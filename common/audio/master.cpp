#include "audio/master.h"

#include <algorithm>
#include <cmath>

#include "audio/limiter.h"
#include "audio/k_meter.h"
#include "audio/loudness.h"

namespace bgm {
namespace {

// Loudness of mix * gain * limiter, measured as the limiter streams: no copy of the mix is made.
double loudness_after(const AudioBuffer& mix, float gain, const LimiterSettings& lim) {
  KMeter meter(mix.sample_rate);
  std::vector<float> l, r;
  stream_limiter_gain(mix, gain, lim, [&](size_t first, const float* g, size_t count) {
    l.resize(count), r.resize(count);
    for (size_t k = 0; k < count; ++k) {
      const float total = gain * g[k];
      l[k] = mix.left[first + k] * total;
      r[k] = mix.right[first + k] * total;
    }
    meter.add(l.data(), r.data(), count);
  });
  return meter.integrated_lufs();
}

double loudness_of(const AudioBuffer& audio) {
  KMeter meter(audio.sample_rate);
  meter.add(audio.left.data(), audio.right.data(), audio.frames());
  return meter.integrated_lufs();
}

void scale(AudioBuffer& audio, size_t first, const float* g, size_t count, float gain) {
  for (size_t k = 0; k < count; ++k) {
    const float total = gain * g[k];
    audio.left[first + k] *= total;
    audio.right[first + k] *= total;
  }
}

}  // namespace

Result<MasterReport> master_audio(AudioBuffer& mix, std::vector<Stem>& stems, const MasterSettings& settings,
                                  const CancelToken* cancel) {
  MasterReport report;
  report.input_lufs = loudness_of(mix);
  if (!std::isfinite(report.input_lufs) || report.input_lufs < -70) {
    return make_error(ErrorCode::kInternal, "The rendered music is silent, so there is nothing to master.");
  }
  LimiterSettings lim;
  lim.ceiling_dbtp = settings.ceiling_dbtp;
  lim.circular = settings.loop;

  // The limiter takes a little loudness away; aim again from the measured shortfall (converges in 1-3 rounds).
  double gain_db = settings.target_lufs - report.input_lufs;
  for (int round = 0; round < 4; ++round) {
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    report.output_lufs = loudness_after(mix, static_cast<float>(db_to_gain(gain_db)), lim);
    const double miss = settings.target_lufs - report.output_lufs;
    if (std::fabs(miss) < 0.1) break;
    gain_db += miss;
  }
  report.gain_db = gain_db;

  // Apply the same gain to the mix and every stem, in place, as the limiter streams.
  const auto gain = static_cast<float>(db_to_gain(gain_db));
  float deepest = 1.0f;
  size_t limited = 0;
  stream_limiter_gain(mix, gain, lim, [&](size_t first, const float* g, size_t count) {
    for (size_t k = 0; k < count; ++k) {
      deepest = std::min(deepest, g[k]);
      limited += g[k] < 0.891f;  // more than 1 dB of reduction: the least a listener could notice
    }
    scale(mix, first, g, count, gain);
    for (auto& stem : stems) scale(stem.audio, first, g, count, gain);
  });
  report.max_gain_reduction_db = -gain_to_db(deepest);
  report.limited_share = mix.frames() == 0 ? 0 : static_cast<double>(limited) / static_cast<double>(mix.frames());
  return report;
}

}  // namespace bgm
