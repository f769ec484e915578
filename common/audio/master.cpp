#include "audio/master.h"

#include <algorithm>
#include <cmath>

#include "audio/limiter.h"
#include "audio/loudness.h"

namespace bgm {
namespace {

// Loudness of mix * gain * envelope, measured without building a new buffer for each try.
double loudness_with(const AudioBuffer& mix, float gain, const std::vector<float>& env) {
  AudioBuffer tmp(mix.frames(), mix.sample_rate);
  for (size_t i = 0; i < mix.frames(); ++i) {
    const float g = gain * env[i];
    tmp.left[i] = mix.left[i] * g;
    tmp.right[i] = mix.right[i] * g;
  }
  return integrated_lufs(tmp);
}

void apply(AudioBuffer& audio, float gain, const std::vector<float>& env) {
  for (size_t i = 0; i < audio.frames(); ++i) {
    const float g = gain * env[i];
    audio.left[i] *= g;
    audio.right[i] *= g;
  }
}

}  // namespace

Result<MasterReport> master_audio(AudioBuffer& mix, std::vector<Stem>& stems, const MasterSettings& settings,
                                  const CancelToken* cancel) {
  MasterReport report;
  report.input_lufs = integrated_lufs(mix);
  if (!std::isfinite(report.input_lufs) || report.input_lufs < -70) {
    return make_error(ErrorCode::kInternal, "The rendered music is silent, so there is nothing to master.");
  }
  LimiterSettings lim;
  lim.ceiling_dbtp = settings.ceiling_dbtp;
  lim.circular = settings.loop;

  // The limiter takes a little loudness away; aim again from the measured shortfall (converges in 1-3 rounds).
  double gain_db = settings.target_lufs - report.input_lufs;
  std::vector<float> env;
  for (int round = 0; round < 4; ++round) {
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    const auto gain = static_cast<float>(db_to_gain(gain_db));
    env = limiter_envelope(mix, gain, lim);
    report.output_lufs = loudness_with(mix, gain, env);
    const double miss = settings.target_lufs - report.output_lufs;
    if (std::fabs(miss) < 0.1) break;
    gain_db += miss;
  }
  report.gain_db = gain_db;
  const auto gain = static_cast<float>(db_to_gain(gain_db));
  float deepest = 1.0f;
  size_t limited = 0;
  for (float g : env) {
    deepest = std::min(deepest, g);
    if (g < 0.944f) ++limited;  // -0.5 dB
  }
  report.max_gain_reduction_db = -gain_to_db(deepest);
  report.limited_share = env.empty() ? 0 : static_cast<double>(limited) / static_cast<double>(env.size());
  apply(mix, gain, env);
  for (auto& stem : stems) apply(stem.audio, gain, env);
  return report;
}

}  // namespace bgm
