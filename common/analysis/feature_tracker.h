#pragma once
// From a small picture to a FrameFeature: brightness, colour, and the change from the picture before. Shared by
// the decoder (obs-bgm analyze) and the OBS filter (pictures read back from the GPU), so both see the same features.
// Thread: a FeatureTracker belongs to one thread.

#include <array>
#include <cstddef>
#include <cstdint>

#include "analysis/video_features.h"

namespace bgm {

inline constexpr int kThumbWidth = 64, kThumbHeight = 36;
inline constexpr size_t kThumbCells = static_cast<size_t>(kThumbWidth) * kThumbHeight;

class FeatureTracker {
 public:
  static constexpr int kBins = 16;
  // The last picture seen: its thumbnail and luma histogram (what the next picture's change is measured against).
  struct Picture {
    std::array<float, kThumbCells> luma{};
    std::array<float, kBins> hist{};
  };
  // How much `b` differs from `a`: mean absolute change of the thumbnail, half the L1 distance of the histograms.
  static void change(const Picture& a, const Picture& b, float& diff, float& hist_diff);

  // `luma`: kThumbCells values 0..1 (row by row); `cb`, `cr`: `chroma_cells` values each, 0..1 with 0.5 neutral.
  FrameFeature next(double t, const float* luma, const float* cb, const float* cr, size_t chroma_cells);
  // A kThumbWidth x kThumbHeight BGRA picture (`stride` bytes per row), converted with BT.709.
  FrameFeature next_bgra(double t, const std::uint8_t* bgra, size_t stride);
  // The last picture given to next(); empty before the first.
  const Picture& last() const { return previous_; }

 private:
  Picture previous_;
  bool have_previous_ = false;
};

}  // namespace bgm
