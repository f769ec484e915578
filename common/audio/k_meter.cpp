#include "audio/k_meter.h"

#include <cmath>

namespace bgm {

double KMeter::Biquad::run(int ch, double x) {
  // Transposed direct form II.
  const double y = b0 * x + z1[ch];
  z1[ch] = b1 * x - a1 * y + z2[ch];
  z2[ch] = b2 * x - a2 * y;
  return y;
}

KMeter::KMeter(int sample_rate) : sub_block_(static_cast<size_t>(sample_rate / 10)) {
  const double fs = sample_rate;
  {  // the high-shelf "head" filter
    const double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
    const double k = std::tan(M_PI * f0 / fs);
    const double vh = std::pow(10.0, gain_db / 20.0);
    const double vb = std::pow(vh, 0.4996667741545416);
    const double a0 = 1.0 + k / q + k * k;
    shelf_ = {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
              2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  {  // the RLB high-pass
    const double f0 = 38.13547087602444, q = 0.5003270373238773;
    const double k = std::tan(M_PI * f0 / fs);
    const double a0 = 1.0 + k / q + k * k;
    highpass_ = {1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
}

void KMeter::add(const float* left, const float* right, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const double l = highpass_.run(0, shelf_.run(0, left[i]));
    const double r = highpass_.run(1, shelf_.run(1, right[i]));
    energy_ += l * l + r * r;
    if (++filled_ == sub_block_) {
      sub_blocks_.push_back(energy_ / static_cast<double>(sub_block_));
      energy_ = 0;
      filled_ = 0;
    }
  }
}

double KMeter::integrated_lufs() const {
  // 400 ms blocks = 4 sub-blocks, stepping by one (75% overlap).
  std::vector<double> blocks;
  for (size_t i = 0; i + 4 <= sub_blocks_.size(); ++i)
    blocks.push_back((sub_blocks_[i] + sub_blocks_[i + 1] + sub_blocks_[i + 2] + sub_blocks_[i + 3]) / 4.0);
  auto lufs = [](double energy) { return -0.691 + 10.0 * std::log10(energy); };
  double sum = 0;
  size_t n = 0;
  for (double e : blocks)
    if (e > 0 && lufs(e) > -70.0) sum += e, ++n;
  if (n == 0) return -HUGE_VAL;
  const double relative_gate = lufs(sum / static_cast<double>(n)) - 10.0;
  sum = 0;
  n = 0;
  for (double e : blocks)
    if (e > 0 && lufs(e) > -70.0 && lufs(e) > relative_gate) sum += e, ++n;
  return n == 0 ? -HUGE_VAL : lufs(sum / static_cast<double>(n));
}

}  // namespace bgm
