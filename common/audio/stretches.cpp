#include "audio/stretches.h"

#include <algorithm>

namespace bgm {
namespace {

constexpr size_t kStretches = 4;
constexpr size_t kMinStretchSeconds = 30;
constexpr size_t kWarmUpSubBlocks = 5;

size_t sub_block(int sample_rate) { return static_cast<size_t>(std::max(1, sample_rate / 10)); }

}  // namespace

std::vector<AudioStretch> plan_audio_stretches(size_t frames, int sample_rate) {
  const size_t block = sub_block(sample_rate);
  if (sample_rate <= 0 || frames < kStretches * kMinStretchSeconds * static_cast<size_t>(sample_rate)) return {AudioStretch{0, frames}};
  const size_t blocks = frames / block;
  const size_t per = (blocks + kStretches - 1) / kStretches * block;
  std::vector<AudioStretch> out;
  for (size_t i = 0; i < kStretches; ++i) out.push_back({i * per, i + 1 == kStretches ? frames : (i + 1) * per});
  return out;
}

size_t meter_warm_up_frames(const AudioStretch& stretch, int sample_rate) {
  return std::min(stretch.first, kWarmUpSubBlocks * sub_block(sample_rate));
}

}  // namespace bgm
