#include "plugin-settings.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/json_read.h"
#include "core/json_text.h"
#include "settings-keys.h"

namespace keys = obs_bgm_keys;

namespace {

template<typename T> void read_field(const nlohmann::json &doc, const char *key, T &value, std::string &note)
{
	const auto it = doc.find(key);
	if (it == doc.end())
		return;
	bool ok = false;
	if constexpr (std::is_same_v<T, bool>)
		ok = it->is_boolean();
	else if constexpr (std::is_same_v<T, std::string>)
		ok = it->is_string();
	else
		ok = it->is_number();
	if (ok)
		value = it->template get<T>();
	else
		note += std::string(note.empty() ? "" : " ") + "'" + key + "' has the wrong type; using the default.";
}

} // namespace

PluginSettings load_plugin_settings(const std::string &file, std::string &note)
{
	PluginSettings s;
	std::error_code ec;
	if (std::filesystem::exists(file, ec) &&
	    (!std::filesystem::is_regular_file(file, ec) || std::filesystem::file_size(file, ec) > (1u << 20))) {
		note = "The settings file " + file + " is not one obs-bgm wrote (not a regular file, or over 1 MB); using the defaults.";
		return s;
	}
	if (!std::filesystem::exists(file, ec))
		return s;
	const auto doc = bgm::read_json_file(file, "The settings file", {1u << 20, 64}).value_or(nlohmann::json());
	if (!doc.is_object()) {
		note = "The settings file " + file + " is damaged; using the defaults.";
		return s;
	}
	read_field(doc, keys::kOutputDir, s.output_dir, note);
	read_field(doc, keys::kAutoScore, s.auto_score, note);
	read_field(doc, keys::kScoreReplays, s.score_replays, note);
	read_field(doc, keys::kDefaultStyle, s.default_style, note);
	read_field(doc, keys::kSoundFont, s.soundfont, note);
	read_field(doc, keys::kMusicVolume, s.music_volume, note);
	read_field(doc, keys::kDuck, s.duck, note);
	read_field(doc, keys::kVideoOutput, s.video_output, note);
	read_field(doc, keys::kBackend, s.backend, note);
	read_field(doc, keys::kServerUrl, s.server_url, note);
	read_field(doc, keys::kNemoToken, s.nemo_token, note);
	read_field(doc, keys::kAnalyzerOffered, s.analyzer_offered, note);
	if (s.backend != keys::kBackendLocal && s.backend != keys::kBackendCloud && s.backend != keys::kBackendServer)
		s.backend = keys::kBackendLocal;
	if (!(s.music_volume >= 0.0 && s.music_volume <= 1.0))
		s.music_volume = PluginSettings{}.music_volume;
	return s;
}

bool save_plugin_settings(const PluginSettings &s, const std::string &file)
{
	const nlohmann::json doc = {{keys::kOutputDir, s.output_dir},     {keys::kAutoScore, s.auto_score},
				    {keys::kScoreReplays, s.score_replays}, {keys::kDefaultStyle, s.default_style},
				    {keys::kSoundFont, s.soundfont},       {keys::kMusicVolume, s.music_volume},
				    {keys::kDuck, s.duck},                 {keys::kVideoOutput, s.video_output},
				    {keys::kBackend, s.backend},           {keys::kServerUrl, s.server_url},
				    {keys::kNemoToken, s.nemo_token},     {keys::kAnalyzerOffered, s.analyzer_offered}};
	std::error_code ec;
	std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
	return bgm::write_file_atomically(file, bgm::json_text(doc) + "\n", bgm::OutputPolicy{false, true}).ok();
}

bool backend_settings_differ(const PluginSettings &a, const PluginSettings &b)
{
	return a.backend != b.backend || a.server_url != b.server_url || a.nemo_token != b.nemo_token;
}
