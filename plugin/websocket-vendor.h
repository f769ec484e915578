#pragma once
/* obs-websocket vendor requests under the vendor name "obs-bgm", so Stream Deck or scripts can drive the plugin:
 * ScoreLastRecording {prompt?, style?} -> {jobId}; GetJob {jobId} -> {state, stage, progress, outputPath, error};
 * ListResults {} -> {results: [...]}; AddResultToScene {path? | jobId?} -> {sourceName} (only our results);
 * ListJobs {} -> {jobs: [{jobId, state, stage, progress, input}], maxQueued}; PreviewResult {path?, play} -> {playing}
 * (through OBS's audio monitoring only); ShowDock {tab} (score, results, live, settings).
 * Our own small binding of obs-websocket 5's proc-handler API (its header is not installed by Debian).
 * Requests arrive on obs-websocket's thread pool, or on OBS's graphics thread inside a SerialFrame batch: they never
 * wait for the UI thread or for a job; libobs is called directly (its scene calls are thread-safe).
 * Thread: register from obs_module_post_load and unregister at the frontend's EXIT event (UI thread). */

/* Returns false (and logs) when obs-websocket is not loaded: the plugin works without it. */
bool register_websocket_vendor(void);
/* Takes the requests back (before obs-websocket stops); idempotent. */
void unregister_websocket_vendor(void);
