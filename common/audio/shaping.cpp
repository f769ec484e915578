#include "audio/shaping.h"

#include <algorithm>
#include <cmath>

namespace bgm {

void fold_loop_tail(AudioBuffer& audio, size_t length) {
  if (length == 0) return;
  for (size_t i = length; i < audio.frames(); ++i) {
    audio.left[i % length] += audio.left[i];
    audio.right[i % length] += audio.right[i];
  }
  audio.resize(length);
}

void fade_out_end(AudioBuffer& audio, size_t fade_frames) {
  const size_t n = audio.frames();
  fade_frames = std::min(fade_frames, n);
  if (fade_frames == 0) return;
  for (size_t k = 0; k < fade_frames; ++k) {
    const size_t i = n - fade_frames + k;
    const double x = static_cast<double>(k + 1) / static_cast<double>(fade_frames);  // 0..1, 1 at the last frame
    const auto g = static_cast<float>(0.5 + 0.5 * std::cos(M_PI * x));
    audio.left[i] *= g;
    audio.right[i] *= g;
  }
}

}  // namespace bgm
