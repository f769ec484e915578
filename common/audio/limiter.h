#pragma once
// A look-ahead true-peak limiter that streams a gain envelope instead of audio, so one envelope can be applied to
// the mix and to every stem (the stems keep summing to the mix), and its memory does not grow with the length.
// Peaks are estimated between samples by 4x polyphase interpolation (as BS.1770 true peak is measured).
// Thread: pure functions over their arguments; any thread.

#include <cstddef>
#include <functional>

#include "audio/audio_frames.h"
#include "audio/stretches.h"

namespace bgm {

struct LimiterSettings {
  double ceiling_dbtp = -1.3;  // below the -1 dBTP promise, for the difference between estimators
  double lookahead_ms = 5.0;   // the gain ramps down over this time before a peak
  double release_ms = 120.0;   // and recovers with this time constant: slow enough not to pump
  bool circular = false;       // a loop: the envelope wraps around so the seam is continuous
};

// Receives the gain (0..1] of frames [first, first + count), in order, chunk by chunk. It may read those frames
// from the analysed audio (or any audio in step with it), or scale them in place in a buffer being analysed: the
// limiter never reads them again. Returning false stops the stream (an error, a cancel).
using GainSink = std::function<bool(size_t first, const float* gains, size_t count)>;

// Streams the gain that keeps `audio * pre_gain * gain` under the ceiling. Memory: a few milliseconds of state and a
// window of the audio.
void stream_limiter_gain(const AudioFrames& audio, float pre_gain, const LimiterSettings& settings, const GainSink& sink);

// The same gains for frames [from, to) only, so that stretches of one audio can be limited on several threads.
// What came before reaches a frame only through the look-ahead and the release: the limiter starts
// limiter_warm_up_frames() before `from` (or at the start), by when the release's memory of anything earlier has
// decayed below a float's precision. A stretch's gains thus equal the whole stream's to float precision (those of
// a stretch starting within the warm-up of the start are the same to the bit). A loop is streamed whole.
void stream_limiter_gain(const AudioFrames& audio, float pre_gain, const LimiterSettings& settings, size_t from, size_t to,
                         const GainSink& sink);
size_t limiter_warm_up_frames(const LimiterSettings& settings, int sample_rate);
// The stretches of `audio` to limit that way (audio/stretches.h): a loop's in one, streamed whole.
std::vector<AudioStretch> limiter_stretches(const AudioFrames& audio, const LimiterSettings& settings);

// The largest inter-sample peak (linear) of `audio`, estimated with the same interpolator.
double estimated_true_peak(const AudioFrames& audio);

}  // namespace bgm
