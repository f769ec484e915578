#pragma once
// A slow level ride for a finished piece: what a mastering engineer's leveller does for a music bed. Where the
// music dips (a phrase that decays before the next, a sparse intro bar) it is lifted a little; where it peaks it
// is lowered a little, so an entrance does not jump out at a listener who is watching a video. Planned offline
// from the mix's momentary loudness, so the ride moves before an entrance instead of reacting to it, and applied
// as one gain curve to the mix and to every stem alike (the stems keep summing to the mix).
// Thread: a LevelRide is immutable once planned; plan() and gains() may run on any thread.

#include <cstddef>
#include <vector>

#include "audio/audio_frames.h"
#include "audio/k_meter.h"
#include "core/time_span.h"

namespace bgm {

struct LevelRideSettings {
  double ratio = 2.0;          // the ride keeps 1/ratio of a dip or a peak against the piece's loudness
  double max_boost_db = 4.0;   // the most a dip is lifted
  double max_cut_db = 4.0;     // the most a peak is lowered
  double boost_floor_lu = 20;  // nothing this far under the piece's loudness is lifted (a decaying ending, silence)
  double boost_full_lu = 14;   // dips down to this far under it may get the whole boost
  double lookahead_s = 0.2;    // the ride starts down this long before a louder moment
  double smooth_s = 0.4;       // and moves over about this long (no pumping)
  // After the ride, no momentary window (400 ms) is more than max_rise_db under one up to rise_window_s after it
  // where the boost can help: the breath before an entrance (a phrase's rest, a chord decaying into the next bar's
  // downbeat) is lifted, up to the piece's loudness at most, so the downbeat does not jump out. 0 turns it off.
  double max_rise_db = 4.5;
  double rise_window_s = 2.0;
  bool loop = false;           // the ride wraps around the seam
  // Never lifted inside these (seconds): where the music steps back for a voice on purpose (the lead rests, the
  // bed is ducked), the ride must not fill the room back in.
  std::vector<TimeSpan> no_lift;
};

struct LevelRideReport {
  double largest_boost_db = 0;  // the most a dip was lifted
  double deepest_cut_db = 0;    // the most a peak was lowered
};

class LevelRide final : public GainCurve {
 public:
  // Plans the ride from `mix` (read once, in chunks). Silence or audio shorter than a window gets a flat ride.
  static LevelRide plan(const AudioFrames& mix, const LevelRideSettings& settings);
  // The same from a meter that has already measured all `frames` of the mix (its 100 ms energies and loudness),
  // so the ride costs no pass of its own.
  static LevelRide plan(const KMeter& measured, size_t frames, int sample_rate, const LevelRideSettings& settings);

  void gains(size_t first, float* out, size_t count) const override;
  bool reads_from_any_thread() const override { return true; }
  const LevelRideReport& report() const { return report_; }

 private:
  LevelRide(std::vector<float> hop_gains, size_t hop_frames, size_t frames, bool loop);
  std::vector<float> hop_gains_;  // linear gain at the centre of every 100 ms hop
  size_t hop_ = 1, frames_ = 0;
  bool loop_ = false;
  LevelRideReport report_;
};

}  // namespace bgm
