#pragma once
// The pitch of the voice band, 10 ms at a time, by normalised autocorrelation over the last 30 ms (80-400 Hz).
// Speech glides: its pitch moves from one 10 ms to the next. Music holds notes: its pitch stays put for tens of
// milliseconds. The speech detector uses that difference to tell a voice from a melody in the same band.
// Thread: a PitchTracker belongs to one thread.

#include <cstddef>
#include <vector>

namespace bgm {

class PitchTracker {
 public:
  explicit PitchTracker(int sample_rate);
  // One sample of the band-passed (300-3400 Hz) signal.
  void push(double y) {
    if (++phase_ < step_) return;
    phase_ = 0;
    ring_[pos_] = static_cast<float>(y);
    pos_ = (pos_ + 1) % ring_.size();
  }
  // At the end of a 10 ms hop: the pitch in Hz when the last 30 ms are clearly periodic, else 0.
  float pitch() const;

 private:
  int step_;           // decimation to about 8 kHz (the band ends at 3.4 kHz)
  double rate_;        // after decimation
  int phase_ = 0;
  std::vector<float> ring_;  // the last 30 ms, decimated
  size_t pos_ = 0;
};

}  // namespace bgm
