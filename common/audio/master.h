#pragma once
// Mastering: bring the piece to its integrated loudness target with true peaks under -1 dBTP, applying one
// gain and one limiter envelope to the mix and to every stem alike. Planned in streaming passes over the mix,
// then written to new stores: memory does not grow with the length.
// Thread: pure functions over their arguments (the audio they read belongs to the calling thread).

#include <filesystem>
#include <vector>

#include "audio/audio_store.h"
#include "audio/level_ride.h"
#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

// True-peak ceilings: a little under the -1 dBTP promise for lossless files, and lower for lossy ones, whose
// encoders overshoot peaks (AAC and MP3 add up to about 1 dB).
inline constexpr double kCeilingLosslessDbtp = -1.3;
inline constexpr double kCeilingLossyDbtp = -2.0;

struct MasterSettings {
  double target_lufs = -14.0;
  double ceiling_dbtp = kCeilingLosslessDbtp;
  bool loop = false;  // the limiter wraps around the seam
  int threads = 1;    // long audio is mastered in stretches on up to this many threads (the same result on any number)
};

struct MasterReport {
  double input_lufs = 0;
  double gain_db = 0;
  double output_lufs = 0;
  double max_gain_reduction_db = 0;  // the limiter's deepest cut
  double limited_share = 0;          // share of the time the limiter cut more than 1 dB
  LevelRideReport ride;              // the level ride before mastering (music only; render_music fills it in)
};

struct MasteredAudio {
  std::vector<AudioStore> audio;  // in the order of the sources
  MasterReport report;
};

// Masters `sources`: the first is the mix, brought to the target; the others (stems, in step with it) get the
// same gain frame by frame, so they keep summing to it. Each pass limits, writes and measures at once; a pass
// that falls short by more than the ceiling's margin is done again with more gain (rare: heavy limiting).
// Errors: kInternal for silence (nothing to master), kIo (the folder is full), kCancelled.
Result<MasteredAudio> master_audio(const std::vector<const AudioFrames*>& sources, const MasterSettings& settings,
                                   const std::filesystem::path& dir, const CancelToken* cancel);

}  // namespace bgm
