#include "synth/fluid_outputs.h"

#include <algorithm>

#include "synth/part_image.h"

namespace bgm {

FluidRouting one_output(int audio_groups, int effects_groups) {
  FluidRouting routing;
  routing.output_of_group.assign(static_cast<size_t>(std::max(1, audio_groups)), 0);
  routing.output_of_effects.assign(static_cast<size_t>(std::max(1, effects_groups)), 0);
  return routing;
}

FluidOutputs::FluidOutputs(const FluidRouting& routing, size_t block, int sample_rate)
    : routing_(routing), block_(block), sample_rate_(sample_rate),
      dry_(2 * block * routing.output_of_group.size(), 0.0f), fx_(4 * block * routing.output_of_effects.size(), 0.0f),
      out_(2 * block * static_cast<size_t>(std::max(1, routing.outputs)), 0.0f), dry_image_(routing.output_of_group.size()),
      reverb_image_(routing.output_of_effects.size(), routing.shape_returns ? ImageShaper(kReverbReturnImage, sample_rate) : ImageShaper()),
      chorus_image_(routing.output_of_effects.size(), routing.shape_returns ? ImageShaper(kChorusReturnImage, sample_rate) : ImageShaper()),
      dry_at_(dry_image_.size() * 2), fx_at_(reverb_image_.size() * 4) {}

void FluidOutputs::set_group_image(int group, const StereoImage& image) {
  if (group >= 0 && static_cast<size_t>(group) < dry_image_.size()) dry_image_[static_cast<size_t>(group)] = ImageShaper(image, sample_rate_);
}

void FluidOutputs::reset() {
  for (auto* shapers : {&dry_image_, &reverb_image_, &chorus_image_})
    for (ImageShaper& s : *shapers) s.reset();
  std::fill(dry_.begin(), dry_.end(), 0.0f);
  std::fill(fx_.begin(), fx_.end(), 0.0f);
}

Status FluidOutputs::synthesise(fluid_synth_t* synth, size_t offset, size_t count) {
  // FluidSynth adds into the buffers: each group's dry sound, each effects group's reverb (left, right) and chorus.
  for (size_t i = 0; i < dry_at_.size(); ++i) dry_at_[i] = dry_.data() + i * block_ + offset;
  for (size_t i = 0; i < fx_at_.size(); ++i) fx_at_[i] = fx_.data() + i * block_ + offset;
  if (fluid_synth_process(synth, static_cast<int>(count), static_cast<int>(fx_at_.size()), fx_at_.data(),
                          static_cast<int>(dry_at_.size()), dry_at_.data()) != FLUID_OK) {
    return make_error(ErrorCode::kSynth, "FluidSynth failed while rendering.");
  }
  return {};
}

void FluidOutputs::finish(size_t count) {
  std::fill(out_.begin(), out_.end(), 0.0f);
  auto add = [&](int output, float* l, float* r, ImageShaper& shaper) {
    if (output < 0 || output >= routing_.outputs) return;
    shaper.process(l, r, count);
    float* to_l = out_.data() + static_cast<size_t>(2 * output) * block_;
    float* to_r = to_l + block_;
    for (size_t i = 0; i < count; ++i) to_l[i] += l[i], to_r[i] += r[i];
  };
  for (size_t g = 0; g < dry_image_.size(); ++g) {
    float* l = dry_.data() + 2 * g * block_;
    add(routing_.output_of_group[g], l, l + block_, dry_image_[g]);
  }
  for (size_t e = 0; e < reverb_image_.size(); ++e) {
    float* reverb = fx_.data() + 4 * e * block_;
    add(routing_.output_of_effects[e], reverb, reverb + block_, reverb_image_[e]);
    add(routing_.output_of_effects[e], reverb + 2 * block_, reverb + 3 * block_, chorus_image_[e]);
  }
  std::fill(dry_.begin(), dry_.end(), 0.0f);
  std::fill(fx_.begin(), fx_.end(), 0.0f);
}

}  // namespace bgm
