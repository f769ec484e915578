#pragma once
// Long audio worked through in stretches, on as many threads as a pass is given. The stretches depend only on the
// length and the rate, never on the threads, so neither does the result. They start on the loudness meter's
// 100 ms sub-blocks, so the meters of the stretches join into the meter of the whole (KMeter::append_sub_blocks).
// Thread: pure functions; any thread.

#include <cstddef>
#include <vector>

namespace bgm {

struct AudioStretch {
  size_t first = 0, end = 0;  // frames [first, end)
};

// Four stretches of about equal length when each would last at least 30 s, else the whole as one.
std::vector<AudioStretch> plan_audio_stretches(size_t frames, int sample_rate);

// What a meter hears before its stretch (its filters settle; its sub-blocks from there are dropped): 0.5 s, in
// whole sub-blocks. Clipped to the audio's start.
size_t meter_warm_up_frames(const AudioStretch& stretch, int sample_rate);

}  // namespace bgm
