#pragma once
// The live stream's level: a high-pass at 40 Hz on the whole mix (the SoundFonts' sub-bass rumble; the offline
// render cuts each part under its range instead, which costs the live synthesiser a quarter of its time), a slow
// automatic gain that holds the music at the asked loudness (measured K-weighted
// over the last 8 s, moving at most 1 dB a second, so a chapter's swell is kept and a new mood arrives at the same
// level), the step back under a voice (down by the ducking depth in about 150 ms, back in about 800 ms), and a
// look-ahead limiter under -1.5 dBFS. Memory stays the same however long it runs.
// Thread: a LiveGain belongs to one thread (the render thread).

#include <cstddef>
#include <deque>

#include "audio/biquad.h"
#include "audio/k_meter.h"
#include "audio/stream_limiter.h"

namespace bgm {

class LiveGain {
 public:
  LiveGain(int sample_rate, double level_lufs, double duck_db);

  void set_level(double lufs) { level_lufs_ = lufs; }
  void set_duck_db(double db) { duck_db_ = db; }
  // Starts the automatic gain where music measured at `lufs` reaches the level (before the first process()).
  void start_at(double lufs);
  // A new mood measured at `lufs` starts now: the gain goes to it within about 0.3 s and measures afresh.
  void meet(double lufs);

  // In place: `count` planar frames; `speaking` is whether a voice is heard now.
  void process(float* left, float* right, size_t count, bool speaking);

  double gain_db() const { return gain_db_; }
  double duck_now_db() const { return duck_now_db_; }
  size_t latency() const { return limiter_.latency(); }

 private:
  void high_pass(float* left, float* right, size_t count);

  int sample_rate_;
  Biquad hp_left_, hp_right_;    // second-order Butterworth high-pass
  double level_lufs_, duck_db_;
  KMeter meter_;
  std::deque<double> recent_;  // the last 8 s of 100 ms K-weighted energies, before the gain
  double gain_db_ = 0, target_db_ = 0;
  bool meeting_ = false;  // moving to a new mood's level, fast; the slow gain resumes once there
  double duck_now_db_ = 0;
  StreamLimiter limiter_;
};

}  // namespace bgm
