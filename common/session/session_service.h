#pragma once
// What a session can do, shared by every door: `obs-bgm serve` (over HTTP), `obs-bgm chat` and the dock (in
// process). Uploads join the session; a chat turn runs the music agent on the draft and, when the music must be
// (re)made, renders it with the local engine; state is what the NemoVideo API's state endpoint answers; an export
// renders the draft to a file. The engine's analysis of an uploaded video is kept beside it, so refinements do not
// decode the video again, and so is the music a turn made for it (losslessly, as its own master left it, before any
// mix: the turn mixes and encodes nothing), which the export mixes when the notes are still the same (a change of level, ducking or title
// synthesises nothing). A generated piece's file is that kept music until a newer turn replaces it; its MIDI stays.
// Thread: every member may be called from any thread; chat() and export_draft() block for the engine's work.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/music_agent.h"
#include "analysis/analysis.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"
#include "engine/score.h"
#include "session/session_store.h"
#include "spec/music_spec.h"
#include "synth/soundfont_synth.h"

namespace bgm {

inline constexpr uint64_t kMaxUploadBytes = 500ull * 1024 * 1024;  // the protocol's (nemo::kMaxUploadBytes)

struct ChatEvents {
  std::function<void(const std::string& text)> text;  // a chunk of the answer, as it is known
  std::function<void(const AgentCall& call)> call;    // a step the agent takes
  std::function<void(const AgentCall& call, const nlohmann::json& response)> call_done;
  ProgressFn progress;
  // Before music is made: may refuse (out of credits: kQuota). `seconds` of music will be made.
  std::function<Status(double seconds)> before_render;
  // After: `made` tells whether the music was made (charge) or not (release).
  std::function<void(bool made)> after_render;
};

struct ChatOptions {
  // Make the music when the turn changes it (the API's generated_media, a preview). Off for a caller that exports
  // the draft right after (the dock's refinements): the music is then made once, by the export.
  bool make_music = true;
};

// What a finished score or piece was made of, to start a session on it (the dock refines its results).
struct AdoptedResult {
  std::optional<std::filesystem::path> recording;  // the scored recording, used in place (not copied)
  bool picture = true;                              // false: a sound recording (the music went under it)
  std::string prompt;
  MusicSpec spec;
  double duration_s = 0;
  double volume = 0.35;
  bool duck = true;
  const VideoAnalysis* analysis = nullptr;  // kept with the session: refinements do not decode the video again
  std::string language = "en";
};

struct ChatOutcome {
  std::string reply;  // the whole answer
  bool understood = false;
  Draft draft;        // as saved
  std::optional<MediaRecord> generated;
};

// One of a session's recordings (uploads, or recordings used in place), in upload order.
struct SessionClip {
  std::string id;    // its media id
  std::string name;  // its file name ("intro.mp4")
  DraftVideo video;  // as a timeline holds it
};

struct ServiceOptions {
  SynthOptions synth;
  double text_duration_s = 60;
};

// A draft's export settings (m.export) on a score request: height, preset, reframe, range. Errors:
// kInvalidArgument for a preset this version does not know. Thread: pure; any thread.
Status apply_export_settings(const DraftExport& settings, ScoreRequest& request);

class SessionService {
 public:
  SessionService(SessionStore& store, ServiceOptions options) : store_(store), options_(std::move(options)) {}

  SessionStore& store() { return store_; }

  // Takes `file` (already on disk, in the data folder) into the session as `name`: checks its type and that it can
  // be read, renames it to the session's own name. Errors: kUnsupported (type), kInvalidArgument (over 500 MB),
  // kMedia (not decodable); the file is removed on error.
  Result<MediaRecord> add_upload(const std::string& session, const std::filesystem::path& file, const std::string& name,
                                 const CancelToken* cancel);
  // One turn of the conversation. With several recordings, each has its own timeline: the turn goes to the ones
  // the message names ("the second clip", "intro.mp4", "第二个视频", "all of them"), else to the one in focus,
  // which becomes the last one named; "same music for all of them" puts the focused piece under each at its own
  // length. Errors: those of the engine, and of before_render; a timeline is saved only when its turn succeeded.
  Result<ChatOutcome> chat(const std::string& session, std::string_view message, const ChatEvents& events, const CancelToken* cancel,
                           const ChatOptions& options = {});
  // A new session ("local") whose draft is what was made: the same piece again from it, refinable.
  Result<SessionRecord> adopt(const AdoptedResult& made);
  // The file the session's media id names (an upload, generated music, or a recording used in place).
  Result<std::filesystem::path> source_path(const std::string& session, const std::string& media_id);
  // The session's recordings, in upload order.
  static std::vector<SessionClip> clips(const std::vector<MediaRecord>& media);
  // {"draft", "video_infos", "generated_media", "summary"}, and with several recordings "timelines" (one per
  // recording: its media id, name, draft and summary; "draft" is the one in focus).
  Result<nlohmann::json> state(const std::string& session);
  // Renders `draft` to `output` (absolute; its extension picks the container). Errors: kInvalidArgument when
  // the draft has no music, or names media the session does not hold; those of the engine.
  Result<std::filesystem::path> export_draft(const std::string& session, const Draft& draft, const std::filesystem::path& output,
                                             const CancelToken* cancel, const ProgressFn& progress);
  // The extension an export of `draft` gets for `format` ("mp4" -> "mp4" with a video, "m4a" for music alone).
  std::string export_extension(const Draft& draft, const std::string& format) const;

 private:
  // A recording's own timeline (the session's draft for the one in focus); nullopt before it has one.
  Result<std::optional<Draft>> timeline(const SessionRecord& session, const std::string& media_id);
  Result<ChatOutcome> run_turn(const std::string& session, AgentTurn turn, const ChatEvents& events, const CancelToken* cancel,
                               const ChatOptions& options);
  Result<MediaRecord> make_music(const std::string& session, Draft& draft, const CancelToken* cancel, const ProgressFn& progress);
  std::optional<std::filesystem::path> cached_analysis(const std::string& session, const std::string& media_id);
  // The music a chat turn made for a recording, kept for the export (engine/kept_music.h); forgotten (its file
  // removed) once a newer turn replaced it.
  std::optional<KeptMusic> kept_music(const std::string& session, const std::string& media_id);
  void forget_kept_music(const std::string& session, const std::string& media_id);

  SessionStore& store_;
  ServiceOptions options_;
};

}  // namespace bgm
