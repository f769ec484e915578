#include "live/live_gain.h"

#include "core/denormals.h"

#include <algorithm>
#include <cmath>

namespace bgm {
namespace {

constexpr double kHighPassHz = 40.0;
constexpr size_t kWindowBlocks = 80;     // 8 s of 100 ms blocks
constexpr double kMostDbPerBlock = 0.1;  // 1 dB a second
constexpr double kGateBelowDb = 30;      // quieter than this under the level: a rest, not a reason to lift
constexpr size_t kStep = 64;             // the ducking's envelope moves every 64 frames
constexpr double kMeetDbPerS = 30.0;     // to a new mood's level: 6 dB in 0.2 s
constexpr double kDuckAttackS = 0.15, kDuckReleaseS = 0.8;

double db_to_gain(double db) { return std::pow(10.0, db / 20.0); }

}  // namespace

LiveGain::LiveGain(int sample_rate, double level_lufs, double duck_db)
    : sample_rate_(sample_rate), hp_left_(Biquad::high_pass(kHighPassHz, sample_rate)), hp_right_(hp_left_), level_lufs_(level_lufs),
      duck_db_(duck_db), meter_(sample_rate), limiter_(sample_rate) {}

void LiveGain::high_pass(float* left, float* right, size_t count) {
  const FlushDenormals flush;  // on OBS's audio thread: its mode is put back on return
  for (size_t i = 0; i < count; ++i) {
    left[i] = static_cast<float>(hp_left_.run(left[i]));
    right[i] = static_cast<float>(hp_right_.run(right[i]));
  }
}

void LiveGain::start_at(double lufs) {
  if (std::isfinite(lufs)) gain_db_ = target_db_ = std::clamp(level_lufs_ - lufs, -24.0, 36.0);
}

void LiveGain::meet(double lufs) {
  if (!std::isfinite(lufs)) return;
  target_db_ = std::clamp(level_lufs_ - lufs, -24.0, 36.0);
  recent_.clear();
  meeting_ = true;
}

void LiveGain::process(float* left, float* right, size_t count, bool speaking) {
  high_pass(left, right, count);
  meter_.add(left, right, count);
  // Under a voice the lead rests and the level is held: the gain does not climb back what the ducking took.
  std::vector<double> blocks = meter_.take_sub_blocks();
  if (speaking) blocks.clear();
  for (double e : blocks) {
    recent_.push_back(e);
    if (recent_.size() > kWindowBlocks) recent_.pop_front();
    double sum = 0;
    for (double r : recent_) sum += r;
    const double lufs = -0.691 + 10.0 * std::log10(sum / static_cast<double>(recent_.size()) + 1e-20);
    if (!meeting_ && lufs > level_lufs_ - gain_db_ - kGateBelowDb) target_db_ = std::clamp(level_lufs_ - lufs, -24.0, 36.0);
  }
  const double attack = 1.0 - std::exp(-static_cast<double>(kStep) / (kDuckAttackS * sample_rate_));
  const double release = 1.0 - std::exp(-static_cast<double>(kStep) / (kDuckReleaseS * sample_rate_));
  const double slow = kMostDbPerBlock * static_cast<double>(kStep) / (0.1 * sample_rate_);
  const double fast = kMeetDbPerS * static_cast<double>(kStep) / sample_rate_;
  for (size_t i = 0; i < count; i += kStep) {
    const size_t n = std::min(kStep, count - i);
    const double from = db_to_gain(gain_db_ - duck_now_db_);
    const double per_step = meeting_ ? fast : slow;
    gain_db_ += std::clamp(target_db_ - gain_db_, -per_step, per_step);
    if (meeting_ && std::fabs(target_db_ - gain_db_) < 1e-9) meeting_ = false;
    const double duck_target = speaking ? duck_db_ : 0.0;
    duck_now_db_ += (duck_target - duck_now_db_) * (duck_target > duck_now_db_ ? attack : release);
    const double to = db_to_gain(gain_db_ - duck_now_db_);
    // A straight line between the two gains across the step: no zipper noise.
    for (size_t k = 0; k < n; ++k) {
      const auto g = static_cast<float>(from + (to - from) * static_cast<double>(k + 1) / static_cast<double>(n));
      left[i + k] *= g;
      right[i + k] *= g;
    }
  }
  limiter_.process(left, right, count);
}

}  // namespace bgm
