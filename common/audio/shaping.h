#pragma once
// Shaping the rendered audio to its exact length: folding a loop's overhang onto its start, and a final fade
// that guarantees silence on the last sample of a piece.
// Thread: pure functions; any thread.

#include <vector>

#include "audio/audio_buffer.h"

namespace bgm {

// Audio rendered past `length` frames (releases, reverb) is what plays over the start when the loop repeats:
// add it there and cut the buffer to `length`.
void fold_loop_tail(AudioBuffer& audio, size_t length);
// A raised-cosine fade to zero over the last `fade_frames` frames.
void fade_out_end(AudioBuffer& audio, size_t fade_frames);

}  // namespace bgm
