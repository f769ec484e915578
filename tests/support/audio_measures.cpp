#include "support/audio_measures.h"

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"

namespace bgm::test {
namespace {

constexpr double kPlayingWithinDb = 30.0;

// K-weighted energy per 100 ms window.
std::vector<double> k_windows(const AudioBuffer& audio) {
  KMeter meter(audio.sample_rate);
  meter.add(audio.left.data(), audio.right.data(), audio.frames());
  return meter.sub_block_energies();
}

// Plain energy per 100 ms window (both channels).
std::vector<double> plain_windows(const AudioBuffer& audio) {
  const size_t w = static_cast<size_t>(audio.sample_rate / 10);
  std::vector<double> out;
  for (size_t i = 0; i + w <= audio.frames(); i += w) {
    double e = 0;
    for (size_t k = i; k < i + w; ++k) e += double(audio.left[k]) * audio.left[k] + double(audio.right[k]) * audio.right[k];
    out.push_back(e / static_cast<double>(w));
  }
  return out;
}

AudioBuffer minus(const AudioBuffer& mix, const AudioBuffer& part) {
  AudioBuffer rest = mix;
  for (size_t i = 0; i < std::min(rest.frames(), part.frames()); ++i) {
    rest.left[i] -= part.left[i];
    rest.right[i] -= part.right[i];
  }
  return rest;
}

// The windows where a part plays: within kPlayingWithinDb of its loudest window.
std::vector<bool> playing(const std::vector<double>& part) {
  const double loudest = part.empty() ? 0 : *std::max_element(part.begin(), part.end());
  const double floor = loudest * std::pow(10.0, -kPlayingWithinDb / 10.0);
  std::vector<bool> on;
  for (double e : part) on.push_back(loudest > 0 && e >= floor);
  return on;
}

double against(const std::vector<double>& part, const std::vector<double>& rest) {
  const std::vector<bool> on = playing(part);
  double p = 0, r = 0;
  for (size_t i = 0; i < std::min(part.size(), rest.size()); ++i)
    if (on[i]) p += part[i], r += rest[i];
  if (p <= 0) return -HUGE_VAL;
  if (r <= 0) return HUGE_VAL;
  return 10.0 * std::log10(p / r);
}

// A biquad low- or high-pass (RBJ cookbook) at `hz` with quality `q`, run in place.
void biquad_pass(std::vector<double>& x, bool high, double hz, double q, int rate) {
  const double w = 2.0 * M_PI * hz / rate, alpha = std::sin(w) / (2.0 * q), c = std::cos(w);
  const double a0 = 1.0 + alpha;
  const double edge = (high ? 1.0 + c : 1.0 - c) / 2.0 / a0;
  const double b0 = edge, b1 = (high ? -(1.0 + c) : 1.0 - c) / a0, b2 = edge, a1 = -2.0 * c / a0, a2 = (1.0 - alpha) / a0;
  double z1 = 0, z2 = 0;
  for (double& v : x) {
    const double y = b0 * v + z1;
    z1 = b1 * v - a1 * y + z2;
    z2 = b2 * v - a2 * y;
    v = y;
  }
}

double energy(const std::vector<double>& x) {
  double e = 0;
  for (double v : x) e += v * v;
  return e;
}

// 4th-order Butterworth low-pass in place: two sections with Q 0.5412 and 1.3066.
void butterworth_lowpass(std::vector<double>& x, double hz, int rate) {
  biquad_pass(x, false, hz, 0.54119610, rate);
  biquad_pass(x, false, hz, 1.30656296, rate);
}
void butterworth_highpass(std::vector<double>& x, double hz, int rate) {
  biquad_pass(x, true, hz, 0.54119610, rate);
  biquad_pass(x, true, hz, 1.30656296, rate);
}

}  // namespace

double part_against_rest_db(const AudioBuffer& part, const AudioBuffer& mix) { return against(k_windows(part), k_windows(minus(mix, part))); }

double part_against_rest_plain_db(const AudioBuffer& part, const AudioBuffer& mix) {
  return against(plain_windows(part), plain_windows(minus(mix, part)));
}

double power_below(const AudioBuffer& audio, double hz) {
  double low = 0, all = 0;
  for (const auto* channel : {&audio.left, &audio.right}) {
    std::vector<double> x(channel->begin(), channel->end());
    all += energy(x);
    butterworth_lowpass(x, hz, audio.sample_rate);
    low += energy(x);
  }
  return all > 0 ? low / all : 0;
}

double lr_correlation(const AudioBuffer& audio, double below_hz) {
  std::vector<double> l(audio.left.begin(), audio.left.end()), r(audio.right.begin(), audio.right.end());
  if (below_hz > 0) {
    butterworth_lowpass(l, below_hz, audio.sample_rate);
    butterworth_lowpass(r, below_hz, audio.sample_rate);
  }
  double lr = 0, ll = 0, rr = 0;
  for (size_t i = 0; i < l.size(); ++i) lr += l[i] * r[i], ll += l[i] * l[i], rr += r[i] * r[i];
  return ll > 0 && rr > 0 ? lr / std::sqrt(ll * rr) : 1.0;
}

AudioBuffer mono_fold(const AudioBuffer& audio) {
  AudioBuffer out(audio.frames(), audio.sample_rate);
  for (size_t i = 0; i < audio.frames(); ++i) out.left[i] = out.right[i] = (audio.left[i] + audio.right[i]) / 2;
  return out;
}

double side_to_mid_db(const AudioBuffer& audio, double above_hz) {
  std::vector<double> mid(audio.frames()), side(audio.frames());
  for (size_t i = 0; i < audio.frames(); ++i) {
    mid[i] = (double(audio.left[i]) + audio.right[i]) / 2;
    side[i] = (double(audio.left[i]) - audio.right[i]) / 2;
  }
  if (above_hz > 0) {
    butterworth_highpass(mid, above_hz, audio.sample_rate);
    butterworth_highpass(side, above_hz, audio.sample_rate);
  }
  const double m = energy(mid), s = energy(side);
  if (s <= 0) return -HUGE_VAL;
  return 10.0 * std::log10(s / m);
}

std::vector<double> momentary_lufs(const AudioBuffer& audio) {
  const std::vector<double> w = k_windows(audio);
  std::vector<double> out;
  for (size_t i = 0; i + 4 <= w.size(); ++i) {
    const double e = (w[i] + w[i + 1] + w[i + 2] + w[i + 3]) / 4.0;
    out.push_back(e > 0 ? -0.691 + 10.0 * std::log10(e) : -HUGE_VAL);
  }
  return out;
}

double largest_rise_db(const AudioBuffer& audio, double* from_s, double* to_s) {
  const std::vector<double> m = momentary_lufs(audio);
  if (m.empty()) return 0;
  const double floor = *std::max_element(m.begin(), m.end()) - 20.0;
  double rise = 0;
  // From the second second on: the opening itself (a pad swelling in) is not an entrance.
  for (size_t i = 10; i < m.size(); ++i) {
    if (m[i] < floor) continue;
    for (size_t j = i + 1; j < std::min(m.size(), i + 21); ++j) {
      if (m[j] - m[i] <= rise) continue;
      rise = m[j] - m[i];
      if (from_s) *from_s = 0.1 * static_cast<double>(i);
      if (to_s) *to_s = 0.1 * static_cast<double>(j);
    }
  }
  return rise;
}

double playing_loudness(const AudioBuffer& part) {
  const std::vector<double> w = k_windows(part);
  const std::vector<bool> on = playing(w);
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < w.size(); ++i)
    if (on[i]) sum += w[i], ++n;
  return n == 0 || sum <= 0 ? -HUGE_VAL : -0.691 + 10.0 * std::log10(sum / static_cast<double>(n));
}

std::vector<double> sound_features(const AudioBuffer& audio) {
  std::vector<double> f;
  double below = 0;
  for (double edge : {60.0, 120.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 24000.0}) {
    const double now = edge >= audio.sample_rate / 2.0 ? 1.0 : power_below(audio, edge);
    f.push_back(10.0 * std::log10(std::max(now - below, 1e-6)));
    below = now;
  }
  f.push_back(std::max(side_to_mid_db(audio), -40.0));
  // Onsets: a 10 ms level 4 dB over the quietest of the 30 ms before it, within 30 dB of the loudest, 50 ms apart.
  const size_t w = static_cast<size_t>(audio.sample_rate / 100);
  std::vector<double> level;
  for (size_t i = 0; i + w <= audio.frames(); i += w) {
    double e = 0;
    for (size_t k = i; k < i + w; ++k) e += double(audio.left[k]) * audio.left[k] + double(audio.right[k]) * audio.right[k];
    level.push_back(10.0 * std::log10(e / static_cast<double>(w) + 1e-12));
  }
  const double loudest = level.empty() ? 0 : *std::max_element(level.begin(), level.end());
  int onsets = 0;
  size_t last = 0;
  for (size_t i = 3; i < level.size(); ++i) {
    const double before = std::min({level[i - 1], level[i - 2], level[i - 3]});
    if (level[i] > loudest - 30 && level[i] - before > 4.0 && (onsets == 0 || i - last >= 5)) ++onsets, last = i;
  }
  f.push_back(static_cast<double>(onsets) / audio.seconds());
  // The spread of the 100 ms levels through the middle 80% of the piece, where it plays.
  const std::vector<double> windows = plain_windows(audio);
  std::vector<double> db;
  const double top = windows.empty() ? 0 : 10.0 * std::log10(*std::max_element(windows.begin(), windows.end()) + 1e-12);
  for (size_t i = windows.size() / 10; i < windows.size() * 9 / 10; ++i) {
    const double d = 10.0 * std::log10(windows[i] + 1e-12);
    if (d > top - 30) db.push_back(d);
  }
  double mean = 0, var = 0;
  for (double d : db) mean += d;
  mean /= std::max<size_t>(db.size(), 1);
  for (double d : db) var += (d - mean) * (d - mean);
  f.push_back(std::sqrt(var / std::max<size_t>(db.size(), 1)));
  return f;
}

double lufs_between(const AudioBuffer& audio, double from_s, double to_s) {
  KMeter meter(audio.sample_rate);
  const auto from = static_cast<size_t>(std::max(0.0, from_s) * audio.sample_rate);
  const auto to = std::min(audio.frames(), static_cast<size_t>(std::max(0.0, to_s) * audio.sample_rate));
  if (to <= from) return -HUGE_VAL;
  meter.add(audio.left.data() + from, audio.right.data() + from, to - from);
  return meter.integrated_lufs();
}

double high_band_db(const AudioBuffer& audio, double from_s, double to_s) {
  const auto from = static_cast<size_t>(std::max(0.0, from_s) * audio.sample_rate) + 2;
  const auto to = std::min(audio.frames(), static_cast<size_t>(std::max(0.0, to_s) * audio.sample_rate));
  double e = 0;
  for (size_t k = from; k < to; ++k) {
    const double d = (audio.left[k] - 2 * audio.left[k - 1] + audio.left[k - 2]) + (audio.right[k] - 2 * audio.right[k - 1] + audio.right[k - 2]);
    e += d * d;
  }
  return 10 * std::log10(e / std::max(to_s - from_s, 1e-3) + 1e-20);
}

}  // namespace bgm::test
