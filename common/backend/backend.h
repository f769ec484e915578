#pragma once
// The one interface every music backend speaks: the local engine (in-process, offline), and later the NemoVideo
// cloud API and servers that speak it (our own `obs-bgm serve`). Its shape follows what the cloud needs too:
// status() is token + session + credits there; run() is upload + chat (the transcript) + state + render export.
// Thread: status() and run() block and are called on a worker thread; cancel from any thread; events are
// delivered on the calling worker thread and must not block.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/credits.h"
#include "core/progress.h"
#include "core/result.h"
#include "draft/draft.h"

namespace bgm {

enum class JobOutput {
  kAudioTrack,      // the music alone (mixed under the recording's sound for an audio input)
  kVideoWithMusic,  // the recording with the music mixed in (video inputs)
};

struct JobRequest {
  std::optional<std::filesystem::path> input;  // a recording or any file; nullopt: music from the text alone
  std::string prompt;                          // may be empty: the mood then comes from the video
  std::string style;                           // a style id; empty: chosen from the prompt and the video
  double music_volume = 0.35;                  // 0..1, under the recording's own sound
  bool duck = true;                            // the music steps back under speech
  JobOutput output = JobOutput::kVideoWithMusic;
  std::filesystem::path output_dir;            // empty: beside the input (text alone: required)
  std::filesystem::path output_file;           // an exact file for the result (a command line's --output); empty:
                                               // a new name in output_dir
  double text_duration_s = 60;                 // text alone, unless the prompt gives a length
  std::optional<std::uint64_t> seed;
  std::filesystem::path soundfont;             // empty: the default
  // A session to continue (a result's session_id): `prompt` is then the follow-up ("make it calmer"), and the
  // result is a new version beside the earlier ones. With export_only the session's timeline is rendered as it is.
  std::string session_id;
  bool export_only = false;
  // A platform's export for this job's timeline (media/export_preset.h ids: "shorts", "tiktok"...; empty: as it
  // is set in the draft) and how a wide picture fills a tall frame ("fit", "crop"; empty: the draft's, else fit).
  std::string export_preset;
  std::string export_reframe;
  // A service with a size limit (the NemoVideo cloud: 500 MB): a recording over it is sent as a 720p copy. Off
  // until the user agrees (the job fails with the offer, remote code 4002).
  bool smaller_copy = false;
};

struct JobResult {
  std::filesystem::path output;
  std::string style_id;    // "lofi": for UIs that show the style in their language
  std::string style_name;  // "Lo-fi"
  double duration_s = 0;
  bool has_video = false;
  std::string session_id;  // the session this result belongs to ("" when the backend keeps none)
  std::string summary;     // its timeline: "Timeline (2 tracks): 1. Video: ... 2. BGM: Lo-fi (0-10s, 35%)"
};


struct BackendStatus {
  std::string name;                // "Local engine"
  std::optional<Credits> credits;  // backends that charge (the cloud); none for the local engine
  std::string account;             // "anonymous", "registered"; empty for the local engine
};

// One line of a job's transcript, what the backend understood and did: `text` in English (logs, the command line,
// obs-websocket), and for a UI that translates, an `id` (its locale key is "ObsBgm.Transcript.<id>") with the
// arguments for its %1, %2...; an argument written "@Style.lofi" names a word to translate too
// ("ObsBgm.Style.lofi").
struct TranscriptLine {
  std::string id;
  std::vector<std::string> args;
  std::string text;
};

struct JobEvents {
  ProgressFn progress;
  std::function<void(const TranscriptLine& line)> transcript;
};

// Hands one transcript line to `events` (when it listens).
void say(const JobEvents& events, std::string id, std::vector<std::string> args, std::string text);

class Backend {
 public:
  virtual ~Backend() = default;
  // Checks that the backend can run jobs like `typical` (its SoundFont; the cloud: token and credits).
  // Errors: kResourceMissing (the SoundFont), kAuth, kNetwork, kIo.
  virtual Result<BackendStatus> status(const JobRequest& typical, const CancelToken* cancel) = 0;
  // Runs one job to its end. Errors: every ErrorCode; kCancelled when cancelled. Nothing half-written is left.
  virtual Result<JobResult> run(const JobRequest& job, const JobEvents& events, const CancelToken* cancel) = 0;
  // Results that an earlier run left unfinished and that are ready now (a cloud export interrupted by quitting
  // OBS), delivered like new results. Errors: those of run(). The local engine has none.
  virtual Result<std::vector<JobResult>> deliver_pending(const JobEvents& events, const CancelToken* cancel) {
    (void)events, (void)cancel;
    return std::vector<JobResult>{};
  }
};

// A path in `dir` for `stem` + `ext` that does not exist yet ("name.mp4", else "name-2.mp4", ...): a new result
// never replaces an earlier one.
std::filesystem::path unused_path(const std::filesystem::path& dir, const std::string& stem, const std::string& ext);

// The job's export preset and reframe (when it names them) on the draft's export settings. Errors:
// kInvalidArgument for a preset or reframe this version does not know (the message lists the presets). Thread: any.
Status apply_job_export(const JobRequest& job, Draft& draft);

// The name (no extension) of a render of `draft` for the recording called `name`: "clip-bgm", or with a platform
// preset "clip-bgm-shorts". Thread: any.
std::string result_stem(const std::string& name, const Draft& draft);

}  // namespace bgm
