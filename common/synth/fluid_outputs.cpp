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
      out_(2 * block * static_cast<size_t>(std::max(1, routing.outputs)), 0.0f), unused_(2 * block, 0.0f),
      in_use_(routing.output_of_group.size(), 1), fed_(static_cast<size_t>(std::max(1, routing.outputs)), 0), dry_image_(routing.output_of_group.size()),
      reverb_image_(routing.output_of_effects.size(), routing.shaped ? ImageShaper(kReverbReturnImage, sample_rate) : ImageShaper()),
      chorus_image_(routing.output_of_effects.size(), routing.shaped ? ImageShaper(kChorusReturnImage, sample_rate) : ImageShaper()),
      out_image_(static_cast<size_t>(std::max(1, routing.outputs)), routing.shaped ? ImageShaper(kOutputImage, sample_rate) : ImageShaper()),
      dry_at_(dry_image_.size() * 2), fx_at_(reverb_image_.size() * 4) {}

void FluidOutputs::set_groups_in_use(const std::vector<int>& groups) {
  std::fill(in_use_.begin(), in_use_.end(), 0);
  for (int g : groups)
    if (g >= 0 && static_cast<size_t>(g) < in_use_.size()) in_use_[static_cast<size_t>(g)] = 1;
}

void FluidOutputs::set_group_image(int group, const StereoImage& image) {
  if (group >= 0 && static_cast<size_t>(group) < dry_image_.size()) dry_image_[static_cast<size_t>(group)] = ImageShaper(image, sample_rate_);
}

void FluidOutputs::reset() {
  for (auto* shapers : {&dry_image_, &reverb_image_, &chorus_image_, &out_image_})
    for (ImageShaper& s : *shapers) s.reset();
  std::fill(dry_.begin(), dry_.end(), 0.0f);
  std::fill(fx_.begin(), fx_.end(), 0.0f);
}

Status FluidOutputs::synthesise(fluid_synth_t* synth, size_t offset, size_t count) {
  // FluidSynth adds into the buffers: each group's dry sound, each effects group's reverb (left, right) and chorus.
  for (size_t i = 0; i < dry_at_.size(); ++i)
    dry_at_[i] = (in_use_[i / 2] ? dry_.data() + i * block_ : unused_.data() + (i % 2) * block_) + offset;
  for (size_t i = 0; i < fx_at_.size(); ++i) fx_at_[i] = fx_.data() + i * block_ + offset;
  if (fluid_synth_process(synth, static_cast<int>(count), static_cast<int>(fx_at_.size()), fx_at_.data(),
                          static_cast<int>(dry_at_.size()), dry_at_.data()) != FLUID_OK) {
    return make_error(ErrorCode::kSynth, "FluidSynth failed while rendering.");
  }
  return {};
}

void FluidOutputs::finish(size_t count) {
  // Every buffer is written (and so cleared) only over its first `count` frames.
  auto clear = [&](std::vector<float>& buffers) {
    for (size_t at = 0; at < buffers.size(); at += block_) std::fill_n(buffers.data() + at, count, 0.0f);
  };
  clear(out_);
  std::fill(fed_.begin(), fed_.end(), 0);
  auto add = [&](int output, float* l, float* r, ImageShaper& shaper) {
    if (output < 0 || output >= routing_.outputs) return;
    fed_[static_cast<size_t>(output)] = 1;
    shaper.process(l, r, count);
    float* to_l = out_.data() + static_cast<size_t>(2 * output) * block_;
    float* to_r = to_l + block_;
    for (size_t i = 0; i < count; ++i) to_l[i] += l[i], to_r[i] += r[i];
  };
  for (size_t g = 0; g < dry_image_.size(); ++g) {
    if (!in_use_[g]) continue;
    float* l = dry_.data() + 2 * g * block_;
    add(routing_.output_of_group[g], l, l + block_, dry_image_[g]);
    std::fill_n(l, count, 0.0f);
    std::fill_n(l + block_, count, 0.0f);
  }
  for (size_t e = 0; e < reverb_image_.size(); ++e) {
    float* reverb = fx_.data() + 4 * e * block_;
    add(routing_.output_of_effects[e], reverb, reverb + block_, reverb_image_[e]);
    add(routing_.output_of_effects[e], reverb + 2 * block_, reverb + 3 * block_, chorus_image_[e]);
  }
  for (size_t o = 0; o < out_image_.size(); ++o) {
    if (!fed_[o]) continue;  // silent here (a lane without the drums): nothing to shape
    float* l = out_.data() + 2 * o * block_;
    out_image_[o].process(l, l + block_, count);
  }
  clear(fx_);
  clear(unused_);
}

}  // namespace bgm
