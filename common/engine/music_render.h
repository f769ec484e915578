#pragma once
// From a score to mastered audio: FluidSynth, the exact length (a loop's overhang folded, an ending's last
// sample silent), drum-bus transient control, the mix-down with a slow level ride, and mastering to the spec's loudness.
// Shared by generating music from text and scoring a recording. The audio streams through file-backed stores
// in `work_dir` (beside the output): memory stays flat however long the piece.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio_store.h"
#include "audio/master.h"
#include "compose/score.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"
#include "core/time_span.h"
#include "spec/music_spec.h"
#include "synth/soundfont_synth.h"

namespace bgm {

struct StemAudio {
  std::string name;
  AudioStore audio;
};

struct MusicAudio {
  AudioStore mix;
  std::vector<StemAudio> stems;  // one per part when asked for; they sum to the mix
  double drum_bus_reduction_db = 0;
  MasterReport master;
  std::filesystem::path soundfont;
  double load_s = 0, render_s = 0, master_s = 0;
};

struct MusicRenderOptions {
  SynthOptions synth;
  bool stems = false;
  double ceiling_dbtp = kCeilingLosslessDbtp;  // kCeilingLossyDbtp when the music goes straight into a lossy file
  std::filesystem::path work_dir;              // where the temporary audio lives (empty: the current folder)
  std::vector<TimeSpan> no_lift;               // the level ride lifts nothing here (speech the music steps back for)
};

// `synth`: a synthesiser opened ahead (SoundFontSynth::create with options.synth, stems as options.stems) while
// something else ran; without one it is opened here.
// Errors: kResourceMissing, kSynth, kIo (the work folder is full), kInternal (silence), kCancelled.
Result<MusicAudio> render_music(const Score& score, const MusicSpec& spec, const MusicRenderOptions& options,
                                const CancelToken* cancel, const ProgressFn& progress, std::unique_ptr<SoundFontSynth> synth = nullptr);

// A named piece of audio to write as a stem.
struct StemView {
  std::string name;
  const AudioFrames* audio = nullptr;
};
// Writes each stem as <dir>/NN-<name>.wav (names made file-safe). Returns the files written. A stem that would
// land on `input` (the recording being scored) is refused instead: kInvalidArgument.
Result<std::vector<std::filesystem::path>> write_stems(const std::vector<StemView>& stems, const std::filesystem::path& dir,
                                                       const CancelToken* cancel, const std::filesystem::path& input = {});

}  // namespace bgm
