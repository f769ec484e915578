#pragma once
/* Every key of the plugin's settings file (settings.json in the module's config folder) and of its
 * obs-websocket vendor requests, in one place. */

namespace obs_bgm_keys {

/* settings.json */
inline constexpr const char *kOutputDir = "output_dir";         /* string; empty: beside the recording */
inline constexpr const char *kAutoScore = "auto_score";         /* bool: score each recording when it stops */
inline constexpr const char *kScoreReplays = "score_replays";   /* bool: replay-buffer saves too */
inline constexpr const char *kDefaultStyle = "default_style";   /* string: a style id, empty: auto */
inline constexpr const char *kSoundFont = "soundfont";          /* string: a .sf2 path, empty: the default */
inline constexpr const char *kMusicVolume = "music_volume";     /* number 0..1 */
inline constexpr const char *kDuck = "duck";                    /* bool */
inline constexpr const char *kVideoOutput = "video_output";     /* bool: MP4 with music, else the audio track */
inline constexpr const char *kBackend = "backend";              /* string: kBackendLocal, kBackendCloud, kBackendServer */
inline constexpr const char *kServerUrl = "server_url";         /* string: a render server's address (obs-bgm serve) */
inline constexpr const char *kNemoToken = "nemo_token";         /* string, secret: empty: a free anonymous token */
inline constexpr const char *kAnalyzerOffered = "analyzer_offered"; /* bool: the analyzer was offered once */
inline constexpr const char *kBackendLocal = "local";
inline constexpr const char *kBackendCloud = "nemovideo";
inline constexpr const char *kBackendServer = "server";

/* The live source's settings ("AI Music (live)", id kLiveSourceId) */
inline constexpr const char *kLiveSourceId = "obs_bgm_live";
inline constexpr const char *kLivePrompt = "prompt";          /* string: style and mood, e.g. "calm lo-fi" */
inline constexpr const char *kLiveSceneMoods = "scene_moods"; /* string: lines "Scene name: mood" */
inline constexpr const char *kLiveMic = "mic";                /* string: the microphone source's name, empty: none */
inline constexpr const char *kLiveDuckDb = "duck_db";         /* int: dB under the voice */
inline constexpr const char *kLiveLevel = "level_lufs";       /* int: the music's loudness, LUFS */
inline constexpr const char *kLivePlayOnLoad = "play_on_load"; /* bool: plays as soon as OBS (or the source) starts */
inline constexpr const char *kLiveSeed = "seed";              /* int: 0 new music each start, else the same music */
inline constexpr const char *kLiveTrackPrefix = "track_";     /* bool track_1 .. track_6: its audio tracks */
inline constexpr const char *kLiveStartButton = "start";
inline constexpr const char *kLiveStopButton = "stop";

/* obs-websocket vendor requests (vendor "obs-bgm") */
inline constexpr const char *kVendorName = "obs-bgm";
inline constexpr const char *kReqScoreLastRecording = "ScoreLastRecording";
inline constexpr const char *kReqGetJob = "GetJob";
inline constexpr const char *kReqListResults = "ListResults";
inline constexpr const char *kReqAddResultToScene = "AddResultToScene";
inline constexpr const char *kReqListJobs = "ListJobs";
inline constexpr const char *kReqRefineResult = "RefineResult";   /* {sessionId, message} -> {jobId} */
inline constexpr const char *kReqExportSession = "ExportSession"; /* {sessionId, preset?, reframe?} -> {jobId} */
inline constexpr const char *kReqScoreFiles = "ScoreFiles"; /* {files: [{path}] or lastRecordings: N, prompt?, style?} -> {jobs} */
inline constexpr const char *kReqPreviewResult = "PreviewResult"; /* {path, play} -> {playing}: through monitoring */
inline constexpr const char *kReqShowDock = "ShowDock";           /* {tab}: shows the dock on that tab */
inline constexpr const char *kReqLiveStart = "LiveStart";
inline constexpr const char *kReqLiveStop = "LiveStop";
inline constexpr const char *kReqLiveSetMood = "LiveSetMood"; /* {mood} or {prompt} */
inline constexpr const char *kReqLiveStatus = "LiveStatus";
inline constexpr const char *kFieldMood = "mood";
inline constexpr const char *kFieldPrompt = "prompt";
inline constexpr const char *kFieldStyle = "style";
inline constexpr const char *kFieldJobId = "jobId";
inline constexpr const char *kFieldPath = "path";
inline constexpr const char *kFieldSessionId = "sessionId";
inline constexpr const char *kFieldMessage = "message";
inline constexpr const char *kFieldPreset = "preset";
inline constexpr const char *kFieldFiles = "files";
inline constexpr const char *kFieldLastRecordings = "lastRecordings";
inline constexpr const char *kFieldJobs = "jobs";
inline constexpr const char *kFieldReframe = "reframe";
inline constexpr const char *kFieldSummary = "summary";
inline constexpr const char *kFieldActionUrl = "actionUrl";
inline constexpr const char *kFieldPlay = "play";
inline constexpr const char *kFieldPlaying = "playing";
inline constexpr const char *kFieldTab = "tab"; /* "score", "results", "live", "settings" */

} // namespace obs_bgm_keys
