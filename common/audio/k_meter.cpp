#include "audio/k_meter.h"

#include <algorithm>
#include <cmath>

#include "audio/stretches.h"
#include "core/denormals.h"
#include "core/parallel.h"

namespace bgm {

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

namespace {

// One sample through a transposed direct form II biquad whose state the caller keeps in registers.
inline double step(double x, double b0, double b1, double b2, double a1, double a2, double& z1, double& z2) {
  const double y = b0 * x + z1;
  z1 = b1 * x - a1 * y + z2;
  z2 = b2 * x - a2 * y;
  return y;
}

}  // namespace

void KMeter::add(const float* left, const float* right, size_t count) {
  const FlushDenormals flush;  // silence in the filters
  const Coefficients s = shelf_, h = highpass_;
  double ls1 = state_[0], ls2 = state_[1], lh1 = state_[2], lh2 = state_[3];
  double rs1 = state_[4], rs2 = state_[5], rh1 = state_[6], rh2 = state_[7];
  size_t i = 0;
  while (i < count) {
    // Up to the end of the current 100 ms sub-block.
    const size_t n = std::min(count - i, sub_block_ - filled_);
    double energy = 0;
    for (size_t k = i; k < i + n; ++k) {
      const double l = step(step(left[k], s.b0, s.b1, s.b2, s.a1, s.a2, ls1, ls2), h.b0, h.b1, h.b2, h.a1, h.a2, lh1, lh2);
      const double r = step(step(right[k], s.b0, s.b1, s.b2, s.a1, s.a2, rs1, rs2), h.b0, h.b1, h.b2, h.a1, h.a2, rh1, rh2);
      energy += l * l + r * r;
    }
    energy_ += energy;
    filled_ += n;
    i += n;
    if (filled_ == sub_block_) {
      sub_blocks_.push_back(energy_ / static_cast<double>(sub_block_));
      energy_ = 0;
      filled_ = 0;
    }
  }
  const double st[8] = {ls1, ls2, lh1, lh2, rs1, rs2, rh1, rh2};
  std::copy(st, st + 8, state_);
}

KMeter KMeter::measure(const AudioFrames& audio, int threads) {
  const int rate = audio.sample_rate();
  const std::vector<AudioStretch> stretches = plan_audio_stretches(audio.frames(), rate);
  std::vector<KMeter> meters(stretches.size(), KMeter(rate));
  run_tasks(stretches.size(), audio.reads_from_any_thread() ? threads : 1, [&](size_t i) {
    const AudioStretch& st = stretches[i];
    const size_t warm = meter_warm_up_frames(st, rate);
    std::vector<float> l(kChunkFrames), r(kChunkFrames);
    for (size_t at = st.first - warm; at < st.end;) {
      const size_t n = std::min(kChunkFrames, (at < st.first ? st.first : st.end) - at);  // the warm-up, then the stretch
      audio.read_at(at, l.data(), r.data(), n);
      meters[i].add(l.data(), r.data(), n);
      at += n;
      if (warm > 0 && at == st.first) (void)meters[i].take_sub_blocks();  // the warm-up's sub-blocks are dropped
    }
  });
  for (size_t i = 1; i < meters.size(); ++i) meters[0].append_sub_blocks(meters[i].take_sub_blocks());
  return std::move(meters[0]);
}

double KMeter::integrated(const AudioFrames& audio) { return measure(audio).integrated_lufs(); }

double KMeter::integrated_lufs(double gain_db) const {
  // 400 ms blocks = 4 sub-blocks, stepping by one (75% overlap).
  const double power = gain_db == 0.0 ? 1.0 : std::pow(10.0, gain_db / 10.0);
  std::vector<double> blocks;
  for (size_t i = 0; i + 4 <= sub_blocks_.size(); ++i)
    blocks.push_back(power * ((sub_blocks_[i] + sub_blocks_[i + 1] + sub_blocks_[i + 2] + sub_blocks_[i + 3]) / 4.0));
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
