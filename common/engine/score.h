#pragma once
// Scoring a recording: the same recording back with music that fits its mood, cuts and length, mixed under its
// audio (ducked under speech) and muxed with the video stream copied, never re-encoded.
// Thread: a worker thread (blocks for the length of the job); progress on that thread; cancel from any thread.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/speech.h"
#include "audio/master.h"
#include "compose/range_edit.h"
#include "compose/score.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"
#include "core/time_span.h"
#include "engine/kept_music.h"
#include "engine/reframe_plan.h"
#include "engine/statement.h"
#include "media/export_preset.h"
#include "media/media_probe.h"
#include "spec/music_spec.h"
#include "synth/soundfont_synth.h"

namespace bgm {

enum class MixMode { kMix, kReplace };

struct ScoreRequest {
  std::filesystem::path input;
  std::filesystem::path output;                      // empty: <name>-bgm.<ext> beside the input
  SpecRequest spec;                                  // prompt, style, seed...; the length is the recording's
  std::vector<EnergyRange> energy_ranges;            // "make 0:30 to 0:45 more intense"
  std::optional<double> music_volume;                // 0..1; default: the prompt's "35%", else 0.35
  std::optional<double> duck_db = 12.0;              // nullopt: no ducking
  MixMode mode = MixMode::kMix;
  bool keep_tracks = false;                          // add the music alone and the original audio as tracks
  std::optional<std::filesystem::path> analysis_file;  // written live by the OBS filter: no second decode
  std::optional<std::filesystem::path> stems_dir;    // music stems after ducking
  std::optional<std::filesystem::path> midi_path;    // the score as a Standard MIDI File
  double still_duration_s = 30;                      // a still picture becomes a video this long
  std::optional<std::string> title;                  // drawn over the first seconds (re-encodes the video)
  double title_duration_s = 3;
  std::optional<int> max_height;                     // scale down to this height (re-encodes when lower)
  std::optional<ExportPreset> preset;                // a platform's frame, rate, caps and encoding (MP4 only)
  Reframe reframe = Reframe::kFit;                   // how a picture of another shape fills the preset's frame
  std::optional<TimeSpan> range;                     // only this part (seconds), with music composed for it
  SynthOptions synth;
  FeatureOptions features;
  bool keep_existing = false;                        // a file at `output` stays: the result takes the next free name
  // The lead rests where the recording speaks (and the music's level ride lifts nothing there); default: when the
  // recording's own sound stays in the result. A preview of the music alone that is mixed later says true.
  std::optional<bool> rest_for_speech;
  std::optional<KeptMusic> reuse_music;              // music made before: mixed again when the notes are the same
  std::optional<std::filesystem::path> keep_music;   // where to keep the music made here (ScoreResult::music_key)
  // Only the music, for an export to mix later (a chat turn): it is made for a lossy export (its ceiling), kept at
  // `keep_music` (required; it is ScoreResult::output), and nothing is mixed, mastered or encoded; `output` unused.
  bool music_only = false;
  // Called once the music is decided, before it is composed and rendered (the expensive part): "Understood: ..."
  // can be said first, and a server can charge before it spends. On the calling worker thread.
  std::function<void(const MusicSpec& spec)> on_plan;
};

struct ScoreResult {
  MediaInfo input;
  VideoAnalysis analysis;
  AudioAnalysis audio;
  MusicSpec spec;
  Score score;
  MasterReport master;  // of the final mix
  std::filesystem::path output;
  std::vector<std::filesystem::path> stem_files;
  double duration_s = 0;
  double music_volume = 0.35;
  bool video_copied = false;
  bool video_reencoded = false;  // a title, a lower height, a preset's frame or a codec the container cannot hold
  std::optional<ReframePlan> reframe;  // how each shot was framed for a preset of another shape
  RenderStatement statement;     // measured on the final mix
  std::string music_key;         // what decided the music's samples (engine/kept_music.h); set when kept or reused
  bool music_reused = false;     // request.reuse_music was mixed again: nothing was synthesised
};

// The default output: <name>-bgm.<ext> beside the input (video kept in its container where possible);
// with a preset <name>-<preset>.mp4.
std::filesystem::path default_score_output(const MediaInfo& input, const ExportPreset* preset = nullptr);

// The refusal for a recording longer than a preset takes, with the parts it can take ("--range 0:00-3:00").
Error longer_than_preset(const std::filesystem::path& input, double length_s, const ExportPreset& preset);

// Errors: every ErrorCode; nothing is written on failure, and the input is never written to.
Result<ScoreResult> score_recording(const ScoreRequest& request, const CancelToken* cancel, const ProgressFn& progress);

}  // namespace bgm
