#pragma once
/* obs-websocket vendor requests under the vendor name "obs-bgm", so Stream Deck or scripts can drive the plugin:
 * ScoreLastRecording {prompt?, style?} -> {jobId}; GetJob {jobId} -> {state, stage, progress, outputPath, error};
 * ListResults {} -> {results: [...]}; AddResultToScene {path? | jobId?} -> {sourceName}.
 * Our own small binding of obs-websocket 5's proc-handler API (its header is not installed by Debian).
 * Thread: register from obs_module_post_load (UI thread); requests arrive on obs-websocket's threads. */

/* Returns false (and logs) when obs-websocket is not loaded: the plugin works without it. */
bool register_websocket_vendor(void);
