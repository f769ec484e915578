#pragma once
// A stereo signal's image, shaped as a mastering engineer shapes a part for one speaker: its width around where it
// is panned (the signal turned so its pan direction is the mid, the side scaled: 0 is a point at the pan, 1 leaves it
// as it is; a mono source panned anywhere is left alone) and a mono low end (the centred side high-passed,
// fourth-order Butterworth: what lies under the frequency plays alike in both speakers, so a bass or a kick loses
// nothing folded to mono).
// Linear: shaping the sum of two signals is the sum of their shapes (stems shaped one by one still sum to the mix).
// Thread: an ImageShaper holds filter state; one thread at a time.

#include <compare>
#include <cstddef>

#include "audio/biquad.h"

namespace bgm {

struct StereoImage {
  double width = 1.0;          // the side's gain around the pan, 0..1
  double pan = 0.5;            // where the signal is panned, 0 left .. 1 right (equal-power: the angle pan * 90 degrees)
  double mono_below_hz = 0.0;  // 0: the low end as it is
  bool changes_nothing() const { return width == 1.0 && mono_below_hz <= 0; }
  auto operator<=>(const StereoImage&) const = default;
};

class ImageShaper {
 public:
  ImageShaper() = default;  // changes nothing
  ImageShaper(const StereoImage& image, int sample_rate);

  // Shapes `count` frames in place, continuing from the last call.
  void process(float* left, float* right, size_t count);
  // Forgets the signal so far (a new piece).
  void reset();

 private:
  StereoImage image_;
  double along_l_ = M_SQRT1_2, along_r_ = M_SQRT1_2;  // the pan direction: cos and sin of its angle
  Biquad side_low_, side_high_;  // the side's high-pass, two sections
};

}  // namespace bgm
