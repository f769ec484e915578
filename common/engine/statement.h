#pragma once
// The statement that comes with every render: what was measured on the music as written (integrated loudness,
// true peak), how the music meets the picture (each cut's distance to the nearest section change and downbeat),
// how a loop joins (the seam), and what it is made from (the SoundFont and its licence), so a creator can check
// the result and answer a copyright claim.
// Thread: make_statement reads `mix` on the calling thread (a worker); the rest are pure functions.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/audio_frames.h"
#include "compose/score.h"
#include "synth/soundfont_info.h"

namespace bgm {

struct CutDistance {
  double at_s = 0;
  std::string kind;                // "cut" or "scene switch"
  double to_section_change_s = 0;  // to the nearest section start (the ending's included)
  double to_downbeat_s = 0;        // to the nearest bar line
};

struct LoopSeam {
  double level_jump_db = 0;  // RMS of the first 400 ms against the last 400 ms (momentary loudness's window)
  double step = 0;           // the sample step across the seam against the largest step within 10 ms of it
};

struct RenderStatement {
  double integrated_lufs = 0;
  double true_peak_dbtp = 0;
  std::vector<CutDistance> cuts;
  std::optional<LoopSeam> loop_seam;  // loops only
  SoundFontInfo soundfont;
  std::string licence;                // music_licence_note(soundfont)
};

struct VideoMoments {
  std::vector<double> cuts;
  std::vector<double> scene_switches;
};

// Measures `mix` (the music or the final mix as it is encoded) and relates `score` to the video's moments.
// `integrated_lufs`: the mix's loudness when a meter already heard it as it was written (the master's pass), so
// only its true peak is read from it.
RenderStatement make_statement(const AudioFrames& mix, const Score& score, const VideoMoments& moments, const std::filesystem::path& soundfont,
                               std::optional<double> integrated_lufs = std::nullopt);

// {"integrated_lufs", "true_peak_dbtp", "measured_on", "cuts": [...], "loop_seam": {...} | null,
//  "soundfont": {"path", "name", "format", "copyright", "licence"}, "licence"}
nlohmann::json statement_to_json(const RenderStatement& statement);
// The largest distance from a cut or scene switch to its nearest section change (0 without cuts).
double farthest_cut_s(const RenderStatement& statement);
// One line for people: "Measured -14.0 LUFS, -1.6 dBTP; 3 cuts, each within 0.02 s of a section change; ..."
std::string describe_statement(const RenderStatement& statement);

}  // namespace bgm
