#include "audio/limiter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>

namespace bgm {
namespace {

constexpr int kPhases = 4;
constexpr int kTaps = 12;  // per phase

// Windowed-sinc interpolation filter, phases 1..3 (phase 0 is the sample itself).
const std::array<std::array<float, kTaps>, kPhases>& interpolator() {
  static const auto table = [] {
    std::array<std::array<float, kTaps>, kPhases> t{};
    for (int p = 0; p < kPhases; ++p) {
      for (int k = 0; k < kTaps; ++k) {
        const double x = (k - kTaps / 2 + 1) - static_cast<double>(p) / kPhases;  // distance in samples
        const double sinc = x == 0 ? 1.0 : std::sin(M_PI * x) / (M_PI * x);
        const double w = 0.5 + 0.5 * std::cos(M_PI * x / (kTaps / 2.0));       // Hann over the span
        t[static_cast<size_t>(p)][static_cast<size_t>(k)] = static_cast<float>(sinc * std::max(w, 0.0));
      }
    }
    return t;
  }();
  return table;
}

// Peak (linear) around frame i of one channel: the sample and the three interpolated points after it.
float peak_at(const std::vector<float>& x, size_t i, bool circular) {
  const auto& f = interpolator();
  const auto n = static_cast<long>(x.size());
  float peak = std::fabs(x[i]);
  for (int p = 1; p < kPhases; ++p) {
    float acc = 0;
    for (int k = 0; k < kTaps; ++k) {
      long idx = static_cast<long>(i) + k - kTaps / 2 + 1;
      if (circular) idx = ((idx % n) + n) % n;
      else if (idx < 0 || idx >= n) continue;
      acc += x[static_cast<size_t>(idx)] * f[static_cast<size_t>(p)][static_cast<size_t>(k)];
    }
    peak = std::max(peak, std::fabs(acc));
  }
  return peak;
}

}  // namespace

double estimated_true_peak(const AudioBuffer& audio) {
  double peak = 0;
  for (size_t i = 0; i < audio.frames(); ++i) {
    peak = std::max<double>(peak, std::max(peak_at(audio.left, i, false), peak_at(audio.right, i, false)));
  }
  return peak;
}

std::vector<float> limiter_envelope(const AudioBuffer& audio, float pre_gain, const LimiterSettings& s) {
  const size_t n = audio.frames();
  std::vector<float> env(n, 1.0f);
  if (n == 0) return env;
  const float ceiling = static_cast<float>(std::pow(10.0, s.ceiling_dbtp / 20.0));
  const size_t look = std::max<size_t>(1, static_cast<size_t>(s.lookahead_ms * audio.sample_rate / 1000.0));

  // Required gain per frame; most frames need none, so only loud ones are interpolated.
  std::vector<float> req(n, 1.0f);
  bool any = false;
  const float cheap_threshold = ceiling / pre_gain * 0.5f;  // interpolated peaks exceed samples by < 6 dB
  for (size_t i = 0; i < n; ++i) {
    if (std::fabs(audio.left[i]) < cheap_threshold && std::fabs(audio.right[i]) < cheap_threshold) continue;
    const float peak = std::max(peak_at(audio.left, i, s.circular), peak_at(audio.right, i, s.circular)) * pre_gain;
    // The interpolated points lie between i and i+1: frame i+1 must honour them too.
    if (peak > ceiling) {
      const float g = ceiling / peak;
      req[i] = std::min(req[i], g);
      req[(i + 1) % n] = std::min(req[(i + 1) % n], g);
      any = true;
    }
  }
  if (!any) return env;

  // b[m] = min(req[m-look+1 .. m]); env[i] = mean(b[i .. i+look-1]) <= req[i]. Circular for loops; clamped otherwise.
  const size_t laps = s.circular ? 2 : 1;
  const size_t total = n * laps + look;
  auto req_at = [&](size_t m) -> float {
    if (s.circular) return req[m % n];
    return m < n ? req[m] : 1.0f;
  };
  std::vector<float> b(total);
  std::deque<size_t> window;  // indices with increasing req values
  for (size_t m = 0; m < total; ++m) {
    while (!window.empty() && req_at(window.back()) >= req_at(m)) window.pop_back();
    window.push_back(m);
    while (window.front() + look <= m) window.pop_front();
    b[m] = req_at(window.front());
  }
  std::vector<float> smooth(n * laps);
  double sum = 0;
  for (size_t m = 0; m < look; ++m) sum += b[m];
  for (size_t i = 0; i < n * laps; ++i) {
    smooth[i] = static_cast<float>(sum / static_cast<double>(look));
    sum += b[i + look] - b[i];
  }
  // Release: the gain may fall at once but rises only with the release time constant.
  const double coef = std::exp(-1.0 / (s.release_ms * audio.sample_rate / 1000.0));
  double g = 1.0;
  for (size_t i = 0; i < n * laps; ++i) {
    const double target = smooth[i];
    g = target < g ? target : target + (g - target) * coef;
    if (i + n >= n * laps) env[i % n] = static_cast<float>(std::min(g, static_cast<double>(req_at(i))));
  }
  return env;
}

}  // namespace bgm
