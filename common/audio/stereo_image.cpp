#include "audio/stereo_image.h"

#include <algorithm>
#include <cmath>

#include "core/denormals.h"

namespace bgm {

ImageShaper::ImageShaper(const StereoImage& image, int sample_rate) : image_(image) {
  image_.width = std::clamp(image_.width, 0.0, 1.0);
  const double angle = std::clamp(image_.pan, 0.0, 1.0) * M_PI / 2;
  along_l_ = std::cos(angle);
  along_r_ = std::sin(angle);
  if (image_.mono_below_hz > 0) {
    side_low_ = Biquad::high_pass(image_.mono_below_hz, sample_rate, 0.54119610);
    side_high_ = Biquad::high_pass(image_.mono_below_hz, sample_rate, 1.30656296);
  }
}

void ImageShaper::process(float* left, float* right, size_t count) {
  if (image_.changes_nothing()) return;
  const FlushDenormals flush;  // the side filter decays into denormals when a part falls silent
  const bool high_pass = image_.mono_below_hz > 0, narrow = image_.width < 1.0;
  const double width = image_.width, c = along_l_, s = along_r_;
  for (size_t i = 0; i < count; ++i) {
    double l = left[i], r = right[i];
    if (narrow) {  // turned onto the pan direction and across it, the across part scaled, turned back
      const double along = l * c + r * s, across = (r * c - l * s) * width;
      l = along * c - across * s;
      r = along * s + across * c;
    }
    const double mid = (l + r) * 0.5;
    double side = (l - r) * 0.5;
    if (high_pass) side = side_high_.run(side_low_.run(side));
    left[i] = static_cast<float>(mid + side);
    right[i] = static_cast<float>(mid - side);
  }
}

void ImageShaper::reset() {
  side_low_.reset();
  side_high_.reset();
}

}  // namespace bgm
