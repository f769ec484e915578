#pragma once
// Generating a piece of music from text: prompt -> music spec -> score -> FluidSynth -> master -> file.
// This is the local engine's entry point for "text alone"; scoring a video builds on the same stages.
// Thread: call from a worker thread (it blocks for seconds to minutes); progress is reported on that thread;
// cancel from any thread through the CancelToken.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audio/master.h"
#include "compose/range_edit.h"
#include "compose/score.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"
#include "engine/statement.h"
#include "spec/music_spec.h"
#include "synth/soundfont_synth.h"

namespace bgm {

struct GenerateRequest {
  SpecRequest spec;
  std::vector<EnergyRange> energy_ranges;        // "make 0:30 to 0:45 more intense"
  std::filesystem::path output;                  // .wav .flac .mp3 .m4a .aac
  bool keep_existing = false;                    // a file at `output` stays: the result takes the next free name
  std::optional<std::filesystem::path> stems_dir;  // one WAV per part, after mastering; they sum to the mix
  std::optional<std::filesystem::path> midi_path;  // the score as a Standard MIDI File
  SynthOptions synth;                            // SoundFont, CPU cores
  // Called once the music is decided, before it is composed and rendered (the expensive part): "Understood: ..."
  // can be said first, and a server can charge before it spends. On the calling worker thread.
  std::function<void(const MusicSpec& spec)> on_plan;
};

struct StageSeconds {
  double compose = 0, load = 0, render = 0, master = 0, encode = 0;
};

struct GenerateResult {
  MusicSpec spec;
  Score score;
  std::filesystem::path output;
  std::vector<std::filesystem::path> stem_files;
  std::optional<std::filesystem::path> midi_file;
  std::filesystem::path soundfont;
  double drum_bus_reduction_db = 0;  // the deepest cut on the drum bus
  MasterReport master;
  size_t frames = 0;
  int sample_rate = kSampleRate;
  StageSeconds seconds;
  RenderStatement statement;  // measured on the mix as written
};

// Checks what can be checked before any work: output format and folder, stems folder, MIDI path.
Status validate_generate_outputs(const GenerateRequest& request);

// Errors: every ErrorCode but kNotFound; nothing is left on disk on failure or cancel.
Result<GenerateResult> generate_music(const GenerateRequest& request, const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
