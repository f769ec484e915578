#include "audio/stream_limiter.h"

#include <algorithm>
#include <cmath>

namespace bgm {

StreamLimiter::StreamLimiter(int sample_rate, double ceiling_db, double lookahead_ms, double release_ms)
    : window_(std::max<size_t>(1, static_cast<size_t>(std::lround(sample_rate * lookahead_ms / 1000.0)))),
      ceiling_(static_cast<float>(std::pow(10.0, ceiling_db / 20.0))),
      release_coef_(std::exp(-1.0 / (sample_rate * release_ms / 1000.0))),
      delay_l_(window_, 0.0f),
      delay_r_(window_, 0.0f),
      queue_at_(window_ + 2, 0),
      queue_need_(window_ + 2, 1.0f),
      hold_(window_, 1.0),
      hold_sum_(static_cast<double>(window_)) {}

void StreamLimiter::process(float* left, float* right, size_t count) {
  const size_t cap = queue_at_.size();
  for (size_t i = 0; i < count; ++i, ++at_) {
    const float peak = std::max(std::fabs(left[i]), std::fabs(right[i]));
    const float need = peak > ceiling_ ? ceiling_ / peak : 1.0f;
    // The sliding minimum of the gain needed over the last window_ + 1 samples.
    while (queue_size_ > 0 && queue_need_[(queue_head_ + queue_size_ - 1) % cap] >= need) --queue_size_;
    queue_at_[(queue_head_ + queue_size_) % cap] = at_;
    queue_need_[(queue_head_ + queue_size_) % cap] = need;
    ++queue_size_;
    while (queue_at_[queue_head_] + window_ < at_) queue_head_ = (queue_head_ + 1) % cap, --queue_size_;
    const double held = queue_need_[queue_head_];
    // Averaged over the window: a ramp that reaches each peak's gain by the time the peak leaves the delay line.
    const size_t slot = at_ % window_;
    hold_sum_ += held - hold_[slot];
    hold_[slot] = held;
    if (slot == 0) {  // against rounding drift over hours
      hold_sum_ = 0;
      for (double h : hold_) hold_sum_ += h;
    }
    const double ramp = std::min(1.0, hold_sum_ / static_cast<double>(window_));
    gain_ = ramp < gain_ ? ramp : ramp + (gain_ - ramp) * release_coef_;
    deepest_ = std::min(deepest_, gain_);
    // Out: the sample that entered window_ samples ago.
    const float l = delay_l_[slot], r = delay_r_[slot];
    delay_l_[slot] = left[i];
    delay_r_[slot] = right[i];
    left[i] = static_cast<float>(l * gain_);
    right[i] = static_cast<float>(r * gain_);
  }
}

double StreamLimiter::take_deepest_db() {
  const double db = 20.0 * std::log10(std::max(deepest_, 1e-9));
  deepest_ = gain_;
  return db;
}

}  // namespace bgm
