#pragma once
// Planar stereo float audio at a known sample rate.
// Thread: a value; one owner at a time.

#include <cstddef>
#include <vector>

namespace bgm {

inline constexpr int kSampleRate = 48000;

struct AudioBuffer {
  int sample_rate = kSampleRate;
  std::vector<float> left;
  std::vector<float> right;

  AudioBuffer() = default;
  AudioBuffer(size_t frames, int rate) : sample_rate(rate), left(frames, 0.0f), right(frames, 0.0f) {}
  size_t frames() const { return left.size(); }
  double seconds() const { return static_cast<double>(frames()) / sample_rate; }
  void resize(size_t frames) { left.resize(frames, 0.0f), right.resize(frames, 0.0f); }
  void scale(float gain);
  void add(const AudioBuffer& other);  // sample-wise sum over the common length
};

}  // namespace bgm
