#pragma once
// A frame's 64x36 luma thumbnail (and 32x18 chroma), averaged straight from the planes (no scaler: cheap and free
// of aliasing); frames not in planar 8-bit YUV are first scaled down to a small 4:2:0 frame. Shared by the
// features the music follows and the activity a vertical crop follows.
// Thread: one object per thread.

#include <memory>

struct AVFrame;
struct SwsContext;

namespace bgm {

inline constexpr int kChromaThumbWidth = 32, kChromaThumbHeight = 18;

class Thumbnailer {
 public:
  Thumbnailer();
  ~Thumbnailer();
  Thumbnailer(const Thumbnailer&) = delete;
  Thumbnailer& operator=(const Thumbnailer&) = delete;

  // `luma`: kThumbWidth * kThumbHeight values 0..1, row by row; `u`, `v` (optional): 32 * 18 values 0..1.
  // False when the frame cannot be converted.
  bool make(const AVFrame* frame, float* luma, float* u = nullptr, float* v = nullptr);

 private:
  const AVFrame* convert(const AVFrame* frame);
  struct Scaler;
  std::unique_ptr<Scaler> scaler_;
};

}  // namespace bgm
