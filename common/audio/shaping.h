#pragma once
// Shaping the rendered audio to its exact length: a loop's overhang (releases and reverb rendered past its end)
// folded onto its start, where it plays when the loop repeats; or a final fade that guarantees silence on the
// last sample of a piece. A view: nothing is copied.
// Thread: a view or a meter belongs to one thread.

#include <vector>

#include "audio/audio_frames.h"
#include "audio/k_meter.h"

namespace bgm {

// A raised-cosine fade to zero over the last `fade_frames` of `length` frames: the last frame is exactly silent.
class FadeOutCurve final : public GainCurve {
 public:
  FadeOutCurve(size_t length, size_t fade_frames);
  void gains(size_t first, float* out, size_t count) const override;
  bool reads_from_any_thread() const override { return true; }

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
  bool reads_from_any_thread() const override { return mix_.reads_from_any_thread(); }

 private:
  FadeOutCurve fade_;
  MixFrames mix_;
};

// Buses summed and shaped to `length` with a final fade (the sum MixFrames makes of ShapedFrames over each bus, to
// the bit), metered as their blocks arrive, in the chunks a pass over the sum would read (for_each_chunk): a
// rendered piece is measured without reading it back. Not for a loop (its overhang folds onto its start).
class ShapedMeter {
 public:
  ShapedMeter(size_t buses, size_t length, size_t fade_frames, int sample_rate);
  // One bus's block; the buses of a block come in order, each with the same count.
  void add(size_t bus, const float* left, const float* right, size_t count);
  // The meter, once every block was added.
  KMeter finish();

 private:
  void flush();
  FadeOutCurve fade_;
  KMeter meter_;
  size_t buses_, length_, at_ = 0, n_ = 0;
  std::vector<float> sum_l_, sum_r_, gains_, chunk_l_, chunk_r_;
};

}  // namespace bgm
