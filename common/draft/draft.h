#pragma once
// The draft: a session's timeline in the shape of the NemoVideo API (DRAFT.md beside this file): `t` tracks, each
// with `tt` (0 video, 1 audio, 7 text), `sg` segments and `m` metadata; `d` durations in ms. The draft keeps the
// JSON it was given: a client that sends back a draft it received loses nothing we do not understand, and our
// edits change only the fields they name.
// Two doors: `from_json` checks a draft sent to us (our server's export route, our own sessions) field by field;
// `from_service` reads a draft a service made the way we find it: numbers may be strings, `d` or `m` may be
// missing, tracks may be of types we do not know, and the music is found by what it is (our `m.role` marker, a
// generated source, the track the turn added), not by our markers alone.
// Thread: a plain value; any thread, one at a time.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compose/range_edit.h"
#include "core/time_span.h"
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

// What the session holds, as the service's state lists it: tells the recording from the music on a draft without
// our roles.
struct DraftMedia {
  std::set<std::string> uploads;    // ids in video_infos: what the user sent
  std::set<std::string> generated;  // ids in generated_media: what the service made
  std::set<std::string> earlier;    // the sources on the timeline before the turn: a new one is what it added
};

enum class TrackKind {
  kVideo,      // a picture track (tt 0)
  kRecording,  // a sound recording the music goes under (no picture in the session)
  kMusic,      // the background music
  kAudio,      // any other sound
  kTitle,      // our title (a text track with m.role "title")
  kText,       // any other text
  kOther,      // a track type we do not know: kept, shown by its number
};

// One segment as read (liberally): what is missing or unreadable is 0 or empty.
struct DraftSegment {
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  std::string source;
  std::optional<double> volume;
  std::string text;
};

struct DraftTrack {
  size_t index = 0;  // in `t`
  int type = -1;     // tt, -1 when unreadable
  TrackKind kind = TrackKind::kOther;
  std::string role;  // m.role as sent
  std::string name;  // m.name as sent
  std::vector<DraftSegment> segments;
  int64_t start_ms() const;  // of the earliest segment
  int64_t end_ms() const;    // of the latest segment
};

struct DraftTitle {
  std::string text;
  int64_t start_ms = 0;
  int64_t duration_ms = 3000;
};

// How the draft is exported (`m.export`): a height, a platform preset and how a picture of another shape fills its
// frame, and a part of the recording. The preset is kept as its id; the exporter knows the table.
struct DraftExport {
  std::optional<int> height;          // 144..4320: scaled down to at most this ("export 1080p")
  std::optional<std::string> preset;  // "shorts", "tiktok"... (media/export_preset.h)
  std::optional<std::string> reframe; // "fit" or "crop"
  std::optional<TimeSpan> range;      // seconds of the recording ("export 1:20 to 2:50 for Shorts")
  bool empty() const { return !height && !preset && !reframe && !range; }
};

class Draft {
 public:
  Draft();  // empty: no tracks, d = 0
  // Checks the fields we read (types, ranges, counts); everything else is kept as it came.
  // Errors: kInvalidArgument with what is wrong ("t[1].sg[0].d must be a whole number of ms >= 0").
  static Result<Draft> from_json(const nlohmann::json& json);
  // A draft a service made, read liberally; kept byte for byte as sent (no field is added until an edit).
  // Errors: kInvalidArgument only when it is not a JSON object.
  static Result<Draft> from_service(const nlohmann::json& json, DraftMedia media = {});

  const nlohmann::json& as_json() const { return json_; }
  int64_t duration_ms() const;  // d, or the end of the latest segment when d is missing or unreadable
  // Every track, in order, with what it is.
  std::vector<DraftTrack> tracks() const;
  bool empty() const;  // no tracks
  bool only_recording() const;  // nothing on it but the recording (or nothing at all): nothing to export

  std::optional<DraftVideo> video() const;  // the recording: the first video track, else the audio recording
  std::optional<DraftMusic> music() const;
  std::optional<DraftTitle> title() const;
  DraftExport export_settings() const;  // m.export

  // Each edit changes the fields it names in the existing track and segment (added when missing) and keeps the
  // rest; `d` follows the longest track.
  void set_video(const DraftVideo& video);
  void set_music(const DraftMusic& music);
  // Only the mix: `vol` on every segment of the music track, and `duck` where the track is ours (role "bgm").
  // Returns false when the draft has no music track.
  bool set_music_mix(double volume, bool duck);
  void remove_music();
  void set_title(const DraftTitle& title);
  void remove_title();
  // Sets m.export's height, preset, reframe and range as given (an unset one is removed); other fields stay.
  void set_export_settings(const DraftExport& settings);

 private:
  std::optional<DraftTrack> track(TrackKind kind) const;  // the first track of that kind, as read
  std::optional<size_t> track_of(TrackKind kind) const;   // its index in `t`
  nlohmann::json& tracks_json();  // `t`, made an array when missing
  void remove_track(TrackKind kind);
  void update_duration();

  nlohmann::json json_;
  DraftMedia media_;
};

}  // namespace bgm
