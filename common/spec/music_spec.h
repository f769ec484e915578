#pragma once
// The music spec: everything the composer needs, decided from the prompt, the options and (later) the video.
// It is also what the tool shows the user as "how I understood you".
// Thread: plain values; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "music/theory.h"
#include "spec/style_catalog.h"

namespace bgm {

inline constexpr double kMinDurationS = 2.0;
inline constexpr double kMaxDurationS = 3600.0;
inline constexpr double kDefaultDurationS = 30.0;
inline constexpr double kDefaultLoudnessLufs = -14.0;
inline constexpr double kMinTempo = 40.0;
inline constexpr double kMaxTempo = 220.0;

struct MusicSpec {
  std::string prompt;
  std::string style_id;
  std::string style_name;
  std::string mood;        // "" when none
  double valence = 0;      // -1..1
  double energy = 0.5;     // 0..1, the piece's overall level; sections move around it
  double tempo_bpm = 100;
  Key key;
  double duration_s = kDefaultDurationS;
  bool loop = false;
  uint64_t seed = 0;
  double loudness_lufs = kDefaultLoudnessLufs;
  std::optional<double> music_volume;  // 0..1 from the prompt, for mixing under a video
  std::vector<PartPreset> parts;       // the final orchestration
  std::vector<std::string> excluded;   // instrument ids the prompt ruled out
  // Why each decision was made ("style: Lo-fi, from the prompt ("lo-fi")"), for the transcript.
  std::vector<std::string> reasons;
};

// What the caller asks for: a prompt plus explicit options, which win over the prompt.
struct SpecRequest {
  std::string prompt;
  std::optional<double> duration_s;
  std::optional<std::string> style;
  std::optional<double> tempo_bpm;
  std::optional<std::string> key;  // "D minor", "F#m", "Bb"
  std::optional<uint64_t> seed;    // random when absent (and reported, so the piece can be made again)
  std::optional<double> loudness_lufs;
  bool loop = false;
  // Explicit choices that win over the prompt's words (a session's refinements: "calmer", "no drums").
  std::optional<std::string> mood;      // a mood id
  std::optional<double> energy;         // 0..1
  std::vector<std::string> exclude;     // instrument ids, added to the prompt's
  // From a video: used only where the prompt says nothing of mood or energy ("the prompt always wins").
  std::optional<std::string> mood_hint;  // a mood id ("calm", "energetic", ...)
  std::optional<double> energy_hint;     // 0..1
  std::string hint_source = "the video";
};

// Builds the spec. Errors: kInvalidArgument for an unknown style (the message lists the known ones), a duration
// outside [2 s, 1 h], a tempo outside [40, 220] BPM, an unreadable key, a loudness outside [-40, -6] LUFS.
Result<MusicSpec> build_music_spec(const SpecRequest& request, const StyleCatalog& catalog);

}  // namespace bgm
