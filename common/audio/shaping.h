#pragma once
// Shaping the rendered audio to its exact length: a loop's overhang (releases and reverb rendered past its end)
// folded onto its start, where it plays when the loop repeats; or a final fade that guarantees silence on the
// last sample of a piece. A view: nothing is copied.
// Thread: a view belongs to one thread.

#include "audio/audio_frames.h"

namespace bgm {

// A raised-cosine fade to zero over the last `fade_frames` of `length` frames: the last frame is exactly silent.
class FadeOutCurve final : public GainCurve {
 public:
  FadeOutCurve(size_t length, size_t fade_frames);
  void gains(size_t first, float* out, size_t count) const override;

 private:
  size_t length_, fade_;
};

// `rendered` cut to `length` frames: with `loop`, what lies past `length` is added onto the start; otherwise the
// last `fade_frames` fade out.
class ShapedFrames final : public AudioFrames {
 public:
  ShapedFrames(const AudioFrames& rendered, size_t length, bool loop, size_t fade_frames);
  int sample_rate() const override { return mix_.sample_rate(); }
  size_t frames() const override { return mix_.frames(); }
  void read_at(size_t first, float* left, float* right, size_t count) const override { mix_.read_at(first, left, right, count); }
  Status status() const override { return mix_.status(); }

 private:
  FadeOutCurve fade_;
  MixFrames mix_;
};

}  // namespace bgm
