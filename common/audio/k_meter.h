#pragma once
// A fast integrated-loudness meter (ITU-R BS.1770-4: K-weighting, 400 ms blocks with 75% overlap, absolute and
// relative gates) for the engine's own passes over long audio. libebur128 stays the reference (tests compare
// the two) and measures true peak.
// Thread: a KMeter belongs to one thread.

#include <cstddef>
#include <utility>
#include <vector>

#include "audio/audio_frames.h"

namespace bgm {

class KMeter {
 public:
  explicit KMeter(int sample_rate);
  // Adds stereo frames (planar). Frames may come in chunks of any size.
  void add(const float* left, const float* right, size_t count);
  // Integrated loudness in LUFS of everything added; -HUGE_VAL when all blocks are gated out (silence).
  double integrated_lufs() const { return integrated_lufs(0.0); }
  // ... of everything added times a static gain (the gates judge the blocks as that gain leaves them): what a meter
  // fed the audio after the gain would read, without reading it again.
  double integrated_lufs(double gain_db) const;
  // K-weighted mean square (both channels summed) of every complete 100 ms sub-block so far: momentary loudness
  // is -0.691 + 10 log10 of the mean of four of them.
  const std::vector<double>& sub_block_energies() const { return sub_blocks_; }
  // Hands over the sub-blocks completed since the last call and forgets them (a meter running for hours keeps
  // no history; integrated_lufs() then covers only what was not taken).
  std::vector<double> take_sub_blocks() { return std::exchange(sub_blocks_, {}); }
  // Adds sub-blocks measured elsewhere (by a meter that heard the audio right after this one's last whole
  // sub-block, and warmed its filters on what came before): long audio metered in stretches on several threads.
  void append_sub_blocks(const std::vector<double>& later) { sub_blocks_.insert(sub_blocks_.end(), later.begin(), later.end()); }
  // A meter that has measured the whole of `audio`, read in chunks (a failed read shows in audio.status()). Long
  // audio is read in stretches (audio/stretches.h), on up to `threads` threads when it may be read from any thread:
  // the same result whatever the threads.
  static KMeter measure(const AudioFrames& audio, int threads = 1);
  // The integrated loudness of the whole of `audio`, read in chunks.
  static double integrated(const AudioFrames& audio);

 private:
  struct Coefficients {
    double b0, b1, b2, a1, a2;
  };
  Coefficients shelf_{}, highpass_{};
  double state_[8] = {};  // per channel: shelf z1, z2, high-pass z1, z2
  size_t sub_block_;              // 100 ms in frames
  size_t filled_ = 0;             // frames in the current sub-block
  double energy_ = 0;             // sum of squares in the current sub-block, both channels
  std::vector<double> sub_blocks_;  // mean square per complete sub-block
};

}  // namespace bgm
