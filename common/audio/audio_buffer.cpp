#include "audio/audio_buffer.h"

#include <algorithm>

namespace bgm {

void AudioBuffer::scale(float gain) {
  for (auto& s : left) s *= gain;
  for (auto& s : right) s *= gain;
}

void AudioBuffer::add(const AudioBuffer& other) {
  const size_t n = std::min(frames(), other.frames());
  for (size_t i = 0; i < n; ++i) {
    left[i] += other.left[i];
    right[i] += other.right[i];
  }
}

}  // namespace bgm
