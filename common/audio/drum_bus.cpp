#include "audio/drum_bus.h"

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"
#include "audio/limiter.h"
#include "audio/loudness.h"

namespace bgm {
namespace {

double summed_lufs(const std::vector<Stem>& buses) {
  if (buses.empty()) return -HUGE_VAL;
  KMeter meter(buses.front().audio.sample_rate);
  constexpr size_t kChunk = 8192;
  std::vector<float> l(kChunk), r(kChunk);
  const size_t frames = buses.front().audio.frames();
  for (size_t pos = 0; pos < frames; pos += kChunk) {
    const size_t n = std::min(kChunk, frames - pos);
    std::fill(l.begin(), l.end(), 0.0f);
    std::fill(r.begin(), r.end(), 0.0f);
    for (const auto& b : buses) {
      for (size_t k = 0; k < n; ++k) {
        l[k] += b.audio.left[pos + k];
        r[k] += b.audio.right[pos + k];
      }
    }
    meter.add(l.data(), r.data(), n);
  }
  return meter.integrated_lufs();
}

}  // namespace

DrumBusReport tame_drum_transients(std::vector<Stem>& buses, double peak_over_loudness_db, bool loop) {
  DrumBusReport report;
  report.mix_lufs = summed_lufs(buses);
  if (!std::isfinite(report.mix_lufs)) return report;
  LimiterSettings s;
  s.ceiling_dbtp = report.mix_lufs + peak_over_loudness_db;
  s.lookahead_ms = 2.0;
  s.release_ms = 40.0;
  s.circular = loop;
  for (auto& bus : buses) {
    if (!bus.drums) continue;
    float deepest = 1.0f;
    stream_limiter_gain(bus.audio, 1.0f, s, [&](size_t first, const float* g, size_t count) {
      for (size_t k = 0; k < count; ++k) {
        deepest = std::min(deepest, g[k]);
        bus.audio.left[first + k] *= g[k];
        bus.audio.right[first + k] *= g[k];
      }
    });
    report.max_reduction_db = std::max(report.max_reduction_db, -gain_to_db(deepest));
  }
  return report;
}

AudioBuffer mix_down(std::vector<Stem>& buses, bool keep) {
  if (buses.empty()) return {};
  AudioBuffer mix = keep ? buses.front().audio : std::move(buses.front().audio);
  for (size_t i = 1; i < buses.size(); ++i) {
    mix.add(buses[i].audio);
    if (!keep) buses[i].audio = AudioBuffer{};
  }
  if (!keep) buses.clear();
  return mix;
}

}  // namespace bgm
