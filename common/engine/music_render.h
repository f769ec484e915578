#pragma once
// From a score to mastered audio: FluidSynth, the exact length (a loop's overhang folded, an ending's last
// sample silent), drum-bus transient control, the mix-down and mastering to the spec's loudness.
// Shared by generating music from text and scoring a recording.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>
#include <vector>

#include "audio/drum_bus.h"
#include "audio/master.h"
#include "compose/score.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"
#include "spec/music_spec.h"
#include "synth/soundfont_synth.h"

namespace bgm {

struct MusicAudio {
  AudioBuffer mix;
  std::vector<Stem> stems;  // one per part when asked for; they sum to the mix
  DrumBusReport drum_bus;
  MasterReport master;
  std::filesystem::path soundfont;
  double load_s = 0, render_s = 0, master_s = 0;
};

// `ceiling_dbtp`: kCeilingLossyDbtp when the music goes straight into a lossy file.
// Writes each stem as <dir>/NN-<name>.wav (names made file-safe). Returns the files written.
Result<std::vector<std::filesystem::path>> write_stems(const std::vector<Stem>& stems, const std::filesystem::path& dir,
                                                       const CancelToken* cancel);

Result<MusicAudio> render_music(const Score& score, const MusicSpec& spec, SynthOptions synth, bool stems, double ceiling_dbtp,
                                const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
