#pragma once
// Where each part and the effects sit in the stereo image, so the music survives one speaker (a phone, a laptop,
// a stream played in mono). FluidSynth's chorus makes a centred lead an out-of-phase pair (its stereo unit is
// fixed at full width: the side ten times the mid), so the tune, its answer and the bass skip it (Part::
// preset_chorus) and its return is narrowed for the rest; the reverb's return is narrowed a little (a lead drowned
// in a wide reverb thins out on one speaker); a part's own width comes from its style (a stereo piano or lead
// narrowed around its pan); the low end is mono, dry and wet.
// Thread: any (pure).

#include "audio/stereo_image.h"
#include "compose/score.h"

namespace bgm {

// The side is cut below this (fourth order: 13 dB down at 150 Hz, 27 at 100): a bass, a kick, a pad's low end and
// the reverb's play alike in both speakers. Cut once on each output, after its parts are summed: the same filter
// on every part and return, and linear, so once on the sum is the same as once on each.
inline constexpr double kMonoBelowHz = 220.0;
// The chorus return's side against FluidSynth's own (the mid keeps the chorus's thickening).
inline constexpr double kChorusReturnWidth = 0.3;
// The reverb return's side: its two sides correlate about 0.3 (FluidSynth's own are unrelated).
inline constexpr double kReverbReturnWidth = 0.75;
inline constexpr StereoImage kReverbReturnImage{kReverbReturnWidth, 0.5, 0.0};
inline constexpr StereoImage kChorusReturnImage{kChorusReturnWidth, 0.5, 0.0};
inline constexpr StereoImage kOutputImage{1.0, 0.5, kMonoBelowHz};

// A part's dry sound: its style's width around its pan (its low end is made mono on the output it joins).
StereoImage part_image(const Part& part);

}  // namespace bgm
