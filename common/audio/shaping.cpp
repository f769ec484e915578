#include "audio/shaping.h"

#include <algorithm>
#include <cmath>

namespace bgm {

FadeOutCurve::FadeOutCurve(size_t length, size_t fade_frames) : length_(length), fade_(std::min(fade_frames, length)) {}

void FadeOutCurve::gains(size_t first, float* out, size_t count) const {
  for (size_t k = 0; k < count; ++k) {
    const size_t i = first + k;
    if (i + fade_ < length_) {
      out[k] = 1.0f;
      continue;
    }
    if (i >= length_) {
      out[k] = 0.0f;
      continue;
    }
    const size_t into = i - (length_ - fade_);
    const double x = static_cast<double>(into + 1) / static_cast<double>(fade_);  // 0..1, 1 at the last frame
    out[k] = static_cast<float>(0.5 + 0.5 * std::cos(M_PI * x));
  }
}

namespace {

std::vector<MixInput> shaping_inputs(const AudioFrames& rendered, size_t length, bool loop, const FadeOutCurve& fade) {
  if (!loop || length == 0) return {MixInput{&rendered, 1.0f, &fade, 0}};
  std::vector<MixInput> inputs;
  for (size_t offset = 0; offset < rendered.frames(); offset += length) inputs.push_back(MixInput{&rendered, 1.0f, nullptr, offset});
  return inputs;
}

}  // namespace

ShapedFrames::ShapedFrames(const AudioFrames& rendered, size_t length, bool loop, size_t fade_frames)
    : fade_(length, loop ? 0 : fade_frames), mix_(shaping_inputs(rendered, length, loop, fade_), length, rendered.sample_rate()) {}

ShapedMeter::ShapedMeter(size_t buses, size_t length, size_t fade_frames, int sample_rate)
    : fade_(length, fade_frames), meter_(sample_rate), buses_(buses), length_(length) {}

void ShapedMeter::add(size_t bus, const float* left, const float* right, size_t count) {
  if (bus == 0) {
    n_ = std::min(count, length_ - std::min(length_, at_));
    sum_l_.assign(n_, 0.0f), sum_r_.assign(n_, 0.0f), gains_.resize(n_);
    fade_.gains(at_, gains_.data(), n_);
  }
  // As MixFrames computes it: each bus times (1 x its fade), added to the sum in bus order.
  for (size_t k = 0; k < n_; ++k) {
    const float g = 1.0f * gains_[k];
    sum_l_[k] += left[k] * g, sum_r_[k] += right[k] * g;
  }
  if (bus + 1 < buses_) return;
  for (size_t k = 0; k < n_; ++k) {
    chunk_l_.push_back(sum_l_[k]), chunk_r_.push_back(sum_r_[k]);
    if (chunk_l_.size() == kChunkFrames) flush();
  }
  at_ += count;
}

KMeter ShapedMeter::finish() {
  flush();
  return meter_;
}

void ShapedMeter::flush() {
  meter_.add(chunk_l_.data(), chunk_r_.data(), chunk_l_.size());
  chunk_l_.clear(), chunk_r_.clear();
}

}  // namespace bgm
