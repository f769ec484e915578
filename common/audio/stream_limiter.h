#pragma once
// A look-ahead sample-peak limiter for a stream of unknown length (the live source): the output lags the input by
// the look-ahead, the gain ramps down over it before a peak (a sliding minimum of the gain each sample needs,
// averaged over the same window, never exceeds what the peak needs) and recovers with a release time constant.
// Memory: the look-ahead window, whatever the length of the stream.
// Thread: a StreamLimiter belongs to one thread.

#include <cstddef>
#include <vector>

namespace bgm {

class StreamLimiter {
 public:
  StreamLimiter(int sample_rate, double ceiling_db = -1.5, double lookahead_ms = 5.0, double release_ms = 150.0);

  // Limits `count` planar stereo frames in place; the first latency() frames of a stream come out silent.
  void process(float* left, float* right, size_t count);

  size_t latency() const { return window_; }
  // The deepest gain reduction since the last call, in dB (0 or negative), and forgets it.
  double take_deepest_db();

 private:
  size_t window_;
  float ceiling_;
  double release_coef_;
  // Delay line for the audio, the gain each input sample needs, and the sliding minimum of it (a ring of indices).
  std::vector<float> delay_l_, delay_r_;
  // The sliding minimum: a ring of (sample, gain needed) with the gains increasing from the head.
  std::vector<size_t> queue_at_;
  std::vector<float> queue_need_;
  size_t queue_head_ = 0, queue_size_ = 0;
  std::vector<double> hold_;  // the sliding minimum's last `window_` values, for their average
  double hold_sum_ = 0;
  size_t at_ = 0;  // samples seen
  double gain_ = 1.0;
  double deepest_ = 1.0;
};

}  // namespace bgm
