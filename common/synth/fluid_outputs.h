#pragma once
// FluidSynth's outputs shaped before they are summed. Every audio group (one MIDI channel, so one part) and every
// effects group's reverb and chorus returns are rendered into buffers of their own, each gets its stereo image (the
// part's own; the returns' fixed ones, see part_image.h), they are added into the outputs a routing table names,
// and each output's low end is made mono. The shaping is linear, so the outputs are the same sum however the parts
// are split into outputs.
// Thread: one thread at a time (the one rendering the synthesiser).

#include <fluidsynth.h>

#include <vector>

#include "audio/stereo_image.h"
#include "core/result.h"

namespace bgm {

struct FluidRouting {
  int outputs = 1;                     // stereo outputs
  std::vector<int> output_of_group;    // per audio group: its output, -1 to drop it
  std::vector<int> output_of_effects;  // per effects group: the output its reverb and chorus return to
  bool shaped = true;  // the returns narrowed and the outputs' low end mono; false: as FluidSynth makes them (the
                       // reference table's probes)
};

// Every audio group and effects group into one stereo output.
FluidRouting one_output(int audio_groups, int effects_groups);

class FluidOutputs {
 public:
  // `block`: the most frames finish() is asked for at once.
  FluidOutputs(const FluidRouting& routing, size_t block, int sample_rate);

  // The image of an audio group's dry sound (a part's), from the next frame on; its filter starts afresh.
  void set_group_image(int group, const StereoImage& image);
  // Every filter's memory cleared (a new piece).
  void reset();
  // The audio groups that carry parts (the rest are left silent, not summed): all of them until this is called.
  void set_groups_in_use(const std::vector<int>& groups);

  // Renders `count` frames of `synth` at `offset` into the current block (offset + count <= block).
  // Errors: kSynth.
  Status synthesise(fluid_synth_t* synth, size_t offset, size_t count);
  // Shapes the block's first `count` frames, sums them into the outputs and starts the next block.
  void finish(size_t count);

  const float* left(int output) const { return out_.data() + static_cast<size_t>(2 * output) * block_; }
  const float* right(int output) const { return left(output) + block_; }

 private:
  FluidRouting routing_;
  size_t block_;
  int sample_rate_;
  std::vector<float> dry_, fx_, out_;        // [left, right] x block per group, [reverb l, r, chorus l, r] x block per effects group
  std::vector<float> unused_;                // [left, right] x block: where the groups without a part are rendered
  std::vector<char> in_use_;                 // per group
  std::vector<char> fed_;                    // per output: anything summed into it this block (the same all through a piece)
  std::vector<ImageShaper> dry_image_, reverb_image_, chorus_image_, out_image_;
  std::vector<float*> dry_at_, fx_at_;       // FluidSynth's pointers, at the current offset
};

}  // namespace bgm
