#pragma once
// Setting a bank of eight channels up for a mood (each part's preset, level, pan, sends and high-pass, the kit's
// channel made a drum channel), and measuring how loud a mood opens on a synthesiser of its own, so the live gain
// can meet a new mood at the right level the moment it starts.
// Thread: the thread that owns the FluidInstance.

#include <utility>
#include <vector>

#include "compose/score.h"
#include "live/live_chapter.h"
#include "synth/fluid_outputs.h"
#include "synth/fluid_setup.h"

namespace bgm {

struct LiveBank {
  std::vector<int> lead_channels;  // the melody's channels (they rest under a voice)
  int drum_channel = -1;           // -1: the mood has no kit
  std::vector<std::pair<int, StereoImage>> images;  // each channel's part's stereo image (synth/part_image.h)
};

// FluidSynth's setup for the live music: an audio group per MIDI channel (each part shaped alone), one effects unit.
inline constexpr int kLiveAudioGroups = 16;

// The live synthesiser's outputs: every channel shaped as its part, the returns shaped, summed into one pair.
FluidOutputs live_outputs(int sample_rate);

// Renders `count` frames (at most kLiveOutputsBlock) of `fluid` through `outputs` into `left` and `right`.
// Errors: kSynth.
inline constexpr size_t kLiveOutputsBlock = 1024;
Status render_live(fluid_synth_t* synth, FluidOutputs& outputs, float* left, float* right, size_t count);

// Plays one event on the synthesiser (kAllOff: the pedal up and every note of the channel released).
void play_event(fluid_synth_t* synth, const LiveEvent& e);

// Sets `bank`'s channels (0-7 or 8-15) up for the parts of `score` (the piece's effects and the parts' images are
// the caller's, when the mood starts). Selecting a preset loads its samples (SF3: decodes them), which can take longer than a block of
// audio: the live engine does it ahead, on the thread that asks for the mood (FluidSynth's API is thread-safe).
LiveBank set_up_bank(FluidInstance& fluid, int bank, const Score& score);

// The integrated loudness (LUFS) of the first `seconds` of `score` played from silence on `fluid` (reset first).
double opening_lufs(FluidInstance& fluid, const Score& score, int sample_rate, double seconds);

}  // namespace bgm
