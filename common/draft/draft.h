#pragma once
// The draft: a session's timeline in the shape of the NemoVideo API (DRAFT.md beside this file): `t` tracks, each
// with `tt` (0 video, 1 audio, 7 text), `sg` segments and `m` metadata; `d` durations in ms. The draft keeps the
// JSON it was given: a client that sends back a draft it received loses nothing we do not understand, and our
// edits change only the fields they name.
// Thread: a plain value; any thread, one at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compose/range_edit.h"
#include "core/result.h"

namespace bgm {

inline constexpr int kTrackVideo = 0;
inline constexpr int kTrackAudio = 1;
inline constexpr int kTrackText = 7;
inline constexpr size_t kMaxDraftTracks = 32;
inline constexpr size_t kMaxDraftSegments = 256;  // per track
inline constexpr size_t kMaxDraftRanges = 32;     // range edits on the music

// The recording the music is made for: a video (track type 0), or a sound recording such as a voice-over (an
// audio track with m.role "recording"), under which the music is mixed.
struct DraftVideo {
  std::string source;  // the session's media id
  std::string name;    // what a person calls it ("city timelapse")
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  bool audio = false;  // a sound recording, no picture
};

// The background music: what it is (the spec's choices, enough to make the same piece again) and how it sits
// under the video.
struct DraftMusic {
  std::string source;      // the generated media id ("" until generated)
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  double volume = 0.35;    // 0..1 under the recording's own sound
  bool duck = true;        // steps back under speech
  std::string prompt;      // what the music was asked for in
  std::string style;       // a style id ("lofi")
  std::string style_name;  // "Lo-fi"
  std::optional<std::string> mood;
  std::optional<double> energy;  // 0..1 when set by a refinement
  std::optional<std::string> key;  // "A minor": kept across refinements
  std::vector<std::string> exclude;
  uint64_t seed = 0;
  std::vector<EnergyRange> ranges;  // in seconds
};

struct DraftTitle {
  std::string text;
  int64_t start_ms = 0;
  int64_t duration_ms = 3000;
};

class Draft {
 public:
  Draft();  // empty: no tracks, d = 0
  // Checks the fields we read (types, ranges, counts); everything else is kept as it came.
  // Errors: kInvalidArgument with what is wrong ("t[1].sg[0].d must be a whole number of ms >= 0").
  static Result<Draft> from_json(const nlohmann::json& json);

  const nlohmann::json& as_json() const { return json_; }
  int64_t duration_ms() const;

  std::optional<DraftVideo> video() const;  // the recording: the first video track, else the audio recording
  std::optional<DraftMusic> music() const;
  std::optional<DraftTitle> title() const;
  std::optional<int> export_height() const;  // m.export.height

  // Each edit changes the fields it names in the existing track and segment (added when missing) and keeps the
  // rest; `d` follows the longest track.
  void set_video(const DraftVideo& video);
  void set_music(const DraftMusic& music);
  void remove_music();
  void set_title(const DraftTitle& title);
  void remove_title();
  void set_export_height(std::optional<int> height);

 private:
  nlohmann::json* find_track(int type, const char* role);
  const nlohmann::json* find_track(int type, const char* role) const;
  void remove_track(int type, const char* role);
  void update_duration();

  nlohmann::json json_;
};

}  // namespace bgm
