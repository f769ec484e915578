#pragma once
/* The plugin's settings, kept as JSON in the module's config folder, loaded with type checks and defaults.
 * Thread: plain values; load and save from the UI thread. */

#include <string>

struct PluginSettings {
	std::string output_dir;
	bool auto_score = false;
	bool score_replays = false;
	std::string default_style;
	std::string soundfont;
	double music_volume = 0.35;
	bool duck = true;
	bool video_output = true;
	std::string backend = "local"; /* obs_bgm_keys::kBackendLocal, kBackendCloud or kBackendServer */
	std::string server_url;
	std::string nemo_token; /* a secret: kept in this owner-only file, never logged or shown in full */
	bool analyzer_offered = false; /* the dock has offered the analyzer filter once (it asks no more) */
};

/* Whether two settings need different backends (another kind, server or token). */
bool backend_settings_differ(const PluginSettings &a, const PluginSettings &b);

/* A missing file gives the defaults; a value of the wrong type keeps its default; `note` says what was ignored. */
PluginSettings load_plugin_settings(const std::string &file, std::string &note);
/* Written to a temporary name and renamed, readable by the owner only. */
bool save_plugin_settings(const PluginSettings &settings, const std::string &file);
