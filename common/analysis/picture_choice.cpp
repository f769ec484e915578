#include "analysis/picture_choice.h"

#include <algorithm>
#include <cstdint>

namespace bgm {
namespace {

constexpr double kRatioWindowS = 1.0;

bool same_kind(const PacketPicture& a, const PacketPicture& b) { return a.type == b.type && a.key == b.key && a.reference == b.reference; }

}  // namespace

std::vector<float> size_ratios(const std::vector<PacketPicture>& pictures) {
  std::vector<float> out(pictures.size(), 1.0f);
  std::vector<std::uint32_t> near;
  size_t lo = 0, hi = 0;  // the window [lo, hi) of pictures within kRatioWindowS of picture i
  for (size_t i = 0; i < pictures.size(); ++i) {
    const PacketPicture& p = pictures[i];
    while (lo < i && pictures[lo].t < p.t - kRatioWindowS) ++lo;
    while (hi < pictures.size() && pictures[hi].t <= p.t + kRatioWindowS) ++hi;
    near.clear();
    for (size_t k = lo; k < hi; ++k)
      if (k != i && same_kind(pictures[k], p)) near.push_back(pictures[k].bytes);
    if (near.size() < 3) continue;
    std::nth_element(near.begin(), near.begin() + static_cast<long>(near.size() / 2), near.end());
    out[i] = static_cast<float>(p.bytes / std::max<double>(1.0, near[near.size() / 2]));
  }
  return out;
}

std::vector<bool> decode_anyway(const std::vector<PacketPicture>& pictures, const std::vector<float>& ratios, bool by_reference) {
  std::vector<bool> out(pictures.size(), false);
  auto skipped = [&](const PacketPicture& p) { return by_reference ? !p.reference : p.type == PictureType::kBidir; };
  size_t run_start = 0;  // the run of skipped pictures before picture i
  for (size_t i = 0; i < pictures.size(); ++i) {
    const PacketPicture& p = pictures[i];
    if (skipped(p)) continue;
    const bool suspicious = p.type == PictureType::kIntra || p.key || ratios[i] >= kSuspiciousRatio;
    if (suspicious)
      for (size_t k = run_start; k < i; ++k) out[k] = true;
    run_start = i + 1;
  }
  return out;
}

}  // namespace bgm
