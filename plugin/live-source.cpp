#include "live-source.h"

#include <obs-frontend-api.h>
#include <obs-module.h>
#include <util/config-file.h>
#include <util/platform.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "bgm-controller.h"
#include "guarded-call.h"
#include "live-voice.h"
#include "live/live_engine.h"
#include "settings-keys.h"

namespace keys = obs_bgm_keys;

namespace {

constexpr uint32_t kBlockFrames = 1024;
constexpr uint64_t kAheadNs = 60000000ULL;   /* audio handed to OBS ahead of its time */
constexpr uint64_t kLateNs = 250000000ULL;   /* further behind than this (a stall): the clock starts again */
constexpr uint64_t kLookNs = 100000000ULL;   /* the program scene and the microphone, looked at this often */
constexpr double kFadeS = 0.3;               /* start and stop fade in and out */
constexpr int kTracks = 6;

/* "Scene name: mood" lines; the first colon splits. */
std::string mood_for_scene(const std::string &lines, const std::string &scene)
{
	std::istringstream in(lines);
	std::string line;
	auto trim = [](std::string s) {
		const auto b = s.find_first_not_of(" \t\r");
		const auto e = s.find_last_not_of(" \t\r");
		return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
	};
	while (std::getline(in, line)) {
		const auto colon = line.find(':');
		if (colon == std::string::npos)
			continue;
		if (trim(line.substr(0, colon)) == scene)
			return trim(line.substr(colon + 1));
	}
	return {};
}

/* The track OBS gives the Twitch VOD (Settings > Output), 1-based; 0 when none is set. */
int vod_track(void)
{
	config_t *profile = obs_frontend_get_profile_config();
	if (!profile)
		return 2; /* no frontend (tests): OBS's default VOD track */
	const int index = static_cast<int>(config_get_int(profile, "AdvOut", "VodTrackIndex"));
	return index >= 1 && index <= kTracks ? index : 2;
}

class LiveSource {
public:
	LiveSource(obs_data_t *settings, obs_source_t *source) : source_(source)
	{
		update(settings);
		audio_thread_ = std::thread([this] { guarded("the live music's audio", [this] { audio_loop(); }); });
		control_thread_ = std::thread([this] { guarded("the live music", [this] { control_loop(); }); });
		if (obs_data_get_bool(settings, keys::kLivePlayOnLoad))
			start();
	}

	~LiveSource()
	{
		{
			std::lock_guard lock(mutex_);
			quit_ = true;
		}
		wake_.notify_all();
		audio_thread_.join();
		control_thread_.join();
	}

	/* OBS's UI thread (properties) or the thread loading the scene collection. */
	void update(obs_data_t *settings)
	{
		{
			std::lock_guard lock(mutex_);
			prompt_ = obs_data_get_string(settings, keys::kLivePrompt);
			scene_moods_ = obs_data_get_string(settings, keys::kLiveSceneMoods);
			duck_db_ = static_cast<double>(obs_data_get_int(settings, keys::kLiveDuckDb));
			level_lufs_ = static_cast<double>(obs_data_get_int(settings, keys::kLiveLevel));
			mic_name_ = obs_data_get_string(settings, keys::kLiveMic);
			seed_ = static_cast<uint64_t>(obs_data_get_int(settings, keys::kLiveSeed));
		}
		mic_.watch(mic_name_copy());
		uint32_t mixers = 0;
		for (int t = 1; t <= kTracks; ++t)
			if (obs_data_get_bool(settings, (std::string(keys::kLiveTrackPrefix) + std::to_string(t)).c_str()))
				mixers |= 1u << (t - 1);
		obs_source_set_audio_mixers(source_, mixers);
		wake_.notify_all();
	}

	void start()
	{
		std::lock_guard lock(mutex_);
		playing_ = true;
		wake_.notify_all();
	}

	void stop()
	{
		std::lock_guard lock(mutex_);
		playing_ = false;
	}

	bool playing()
	{
		std::lock_guard lock(mutex_);
		return playing_;
	}

	/* A mood asked for by hand (the dock, obs-websocket): it holds until the scene changes or another is asked. */
	std::string set_mood(const std::string &prompt)
	{
		bgm::SpecRequest request;
		request.prompt = prompt;
		if (auto ok = bgm::build_music_spec(request, bgm::StyleCatalog::builtin()); !ok)
			return ok.error().message;
		std::lock_guard lock(mutex_);
		manual_prompt_ = prompt;
		manual_scene_ = program_scene_name();
		wake_.notify_all();
		return {};
	}

	live_source_status status()
	{
		live_source_status s;
		s.name = obs_source_get_name(source_);
		std::shared_ptr<bgm::LiveEngine> engine;
		{
			std::lock_guard lock(mutex_);
			s.playing = playing_;
			s.prompt = playing_prompt_;
			s.error = error_;
			engine = engine_;
		}
		if (engine) {
			const bgm::LiveStatus e = engine->status();
			s.ready = true;
			s.style = e.style_name;
			s.mood = e.mood;
			s.key = e.key;
			s.tempo_bpm = e.tempo_bpm;
			s.seconds = e.seconds;
			s.voice = e.voice;
		}
		return s;
	}

private:
	std::string mic_name_copy()
	{
		std::lock_guard lock(mutex_);
		return mic_name_;
	}

	/* The prompt for the program scene now: a mood asked by hand while its scene holds, else the scene's own, else
	 * the source's. */
	std::string prompt_for(const std::string &scene)
	{
		std::lock_guard lock(mutex_);
		if (!manual_prompt_.empty() && manual_scene_ == scene)
			return manual_prompt_;
		manual_prompt_.clear();
		std::string mood = mood_for_scene(scene_moods_, scene);
		return mood.empty() ? prompt_ : mood;
	}

	/* The control thread: creates the engine (loading the SoundFont) and moves it to each new mood (a mood is played
	 * ahead on a probe synthesiser to know its level: never on the audio thread). */
	void control_loop()
	{
		for (;;) {
			std::string want;
			{
				std::unique_lock lock(mutex_);
				wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return quit_; });
				if (quit_)
					return;
				if (!playing_ && !engine_)
					continue;
			}
			want = prompt_for(program_scene_name());
			std::shared_ptr<bgm::LiveEngine> engine;
			{
				std::lock_guard lock(mutex_);
				engine = engine_;
				if ((engine && want == playing_prompt_) || want == failed_prompt_)
					continue; /* playing it, or its error is shown: a new prompt or scene tries again */
			}
			bgm::SpecRequest request;
			request.prompt = want;
			std::string error;
			if (!engine) {
				bgm::LiveOptions options;
				options.sample_rate = static_cast<int>(audio_output_get_sample_rate(obs_get_audio()));
				options.soundfont = BgmController::get().settings().soundfont;
				{
					std::lock_guard lock(mutex_);
					options.duck_db = duck_db_;
					options.level_lufs = level_lufs_;
					options.seed = seed_;
				}
				auto created = bgm::LiveEngine::create(options, request);
				if (created)
					engine = std::shared_ptr<bgm::LiveEngine>(std::move(*created));
				else
					error = created.error().message;
			} else if (auto ok = engine->set_mood(request); !ok) {
				error = ok.error().message;
			}
			std::lock_guard lock(mutex_);
			if (!error.empty()) {
				blog(LOG_WARNING, "[obs-bgm] live music: %s", error.c_str());
				error_ = error;
				failed_prompt_ = want;
				continue;
			}
			error_.clear();
			failed_prompt_.clear();
			engine_ = engine;
			playing_prompt_ = want;
		}
	}

	/* The audio thread: renders a block when OBS is due for it and hands it over with its time. */
	void audio_loop()
	{
		const uint32_t rate = audio_output_get_sample_rate(obs_get_audio());
		std::vector<float> left(kBlockFrames), right(kBlockFrames);
		uint64_t clock_ns = 0, frames_out = 0, last_look = 0;
		double fade = 0;
		for (;;) {
			std::shared_ptr<bgm::LiveEngine> engine;
			bool playing;
			{
				std::lock_guard lock(mutex_);
				if (quit_)
					return;
				engine = engine_;
				playing = playing_;
				if (engine) {
					engine->set_duck_db(duck_db_);
					engine->set_level_lufs(level_lufs_);
				}
			}
			/* Nothing to play, or nobody to hear it (in no scene on program): no work; back with a fade. */
			if (!engine || (!playing && fade <= 0) || !obs_source_active(source_)) {
				clock_ns = 0;
				fade = 0;
				os_sleep_ms(20);
				continue;
			}
			const uint64_t now = os_gettime_ns();
			if (clock_ns == 0 || now > clock_ns + frames_out * 1000000000ULL / rate + kLateNs) {
				clock_ns = now;
				frames_out = 0;
			}
			const uint64_t due = clock_ns + frames_out * 1000000000ULL / rate;
			if (due > now + kAheadNs) {
				os_sleepto_ns(due - kAheadNs);
				continue;
			}
			if (now - last_look > kLookNs) {
				last_look = now;
				mic_.watch(mic_name_copy()); /* a microphone added (or renamed) after the settings were made */
				engine->set_voice(mic_.voice_heard(now));
			}
			if (auto ok = engine->render(left.data(), right.data(), kBlockFrames); !ok) {
				std::lock_guard lock(mutex_);
				error_ = ok.error().message;
				engine_.reset();
				playing_prompt_.clear();
				continue;
			}
			/* Start and stop as fades: never a click. */
			const double step = 1.0 / (kFadeS * rate);
			for (uint32_t i = 0; i < kBlockFrames; ++i) {
				fade = playing ? std::min(1.0, fade + step) : std::max(0.0, fade - step);
				left[i] *= static_cast<float>(fade);
				right[i] *= static_cast<float>(fade);
			}
			obs_source_audio audio = {};
			audio.data[0] = reinterpret_cast<const uint8_t *>(left.data());
			audio.data[1] = reinterpret_cast<const uint8_t *>(right.data());
			audio.frames = kBlockFrames;
			audio.speakers = SPEAKERS_STEREO;
			audio.format = AUDIO_FORMAT_FLOAT_PLANAR;
			audio.samples_per_sec = rate;
			audio.timestamp = due;
			obs_source_output_audio(source_, &audio);
			frames_out += kBlockFrames;
		}
	}

	obs_source_t *source_;
	std::mutex mutex_;
	std::condition_variable wake_;
	bool quit_ = false;
	bool playing_ = false;
	std::string prompt_, scene_moods_, mic_name_;
	double duck_db_ = 12, level_lufs_ = -20;
	uint64_t seed_ = 0;
	std::string manual_prompt_, manual_scene_;
	std::string playing_prompt_, failed_prompt_, error_;
	std::shared_ptr<bgm::LiveEngine> engine_;
	MicWatch mic_;
	std::thread audio_thread_, control_thread_;
};

/* Every live source, for the functions below. */
std::mutex g_sources_mutex;
std::vector<LiveSource *> g_sources;

template<typename Fn> int for_each_source(Fn &&fn)
{
	std::lock_guard lock(g_sources_mutex);
	for (LiveSource *s : g_sources)
		fn(*s);
	return static_cast<int>(g_sources.size());
}

const char *live_get_name(void *)
{
	return obs_module_text("ObsBgm.Live.Name");
}

void *live_create(obs_data_t *settings, obs_source_t *source)
{
	auto *s = new LiveSource(settings, source);
	std::lock_guard lock(g_sources_mutex);
	g_sources.push_back(s);
	return s;
}

void live_destroy(void *data)
{
	auto *s = static_cast<LiveSource *>(data);
	{
		std::lock_guard lock(g_sources_mutex);
		g_sources.erase(std::remove(g_sources.begin(), g_sources.end(), s), g_sources.end());
	}
	delete s;
}

void live_defaults(obs_data_t *settings)
{
	obs_data_set_default_string(settings, keys::kLivePrompt, "calm lo-fi");
	obs_data_set_default_string(settings, keys::kLiveSceneMoods, "");
	obs_data_set_default_string(settings, keys::kLiveMic, "");
	obs_data_set_default_int(settings, keys::kLiveDuckDb, 12);
	obs_data_set_default_int(settings, keys::kLiveLevel, -20);
	obs_data_set_default_bool(settings, keys::kLivePlayOnLoad, true);
	obs_data_set_default_int(settings, keys::kLiveSeed, 0);
	const int vod = vod_track();
	for (int t = 1; t <= kTracks; ++t)
		obs_data_set_default_bool(settings, (std::string(keys::kLiveTrackPrefix) + std::to_string(t)).c_str(), t != vod);
}

bool add_mic_choice(void *param, obs_source_t *source)
{
	auto *list = static_cast<obs_property_t *>(param);
	const uint32_t flags = obs_source_get_output_flags(source);
	if ((flags & OBS_SOURCE_AUDIO) && obs_source_get_type(source) == OBS_SOURCE_TYPE_INPUT &&
	    strcmp(obs_source_get_id(source), keys::kLiveSourceId) != 0) {
		const char *name = obs_source_get_name(source);
		obs_property_list_add_string(list, name, name);
	}
	return true;
}

obs_properties_t *live_properties(void *data)
{
	obs_properties_t *props = obs_properties_create();
	obs_properties_add_text(props, keys::kLivePrompt, obs_module_text("ObsBgm.Live.Prompt"), OBS_TEXT_DEFAULT);
	obs_property_t *moods =
		obs_properties_add_text(props, keys::kLiveSceneMoods, obs_module_text("ObsBgm.Live.SceneMoods"), OBS_TEXT_MULTILINE);
	obs_property_set_long_description(moods, obs_module_text("ObsBgm.Live.SceneMoods.Help"));
	obs_property_t *mic = obs_properties_add_list(props, keys::kLiveMic, obs_module_text("ObsBgm.Live.Mic"), OBS_COMBO_TYPE_LIST,
						      OBS_COMBO_FORMAT_STRING);
	obs_property_list_add_string(mic, obs_module_text("ObsBgm.Live.MicNone"), "");
	obs_enum_sources(add_mic_choice, mic);
	obs_properties_add_int_slider(props, keys::kLiveDuckDb, obs_module_text("ObsBgm.Live.DuckDb"), 0, 30, 1);
	obs_properties_add_int_slider(props, keys::kLiveLevel, obs_module_text("ObsBgm.Live.Level"), -36, -10, 1);
	obs_properties_add_bool(props, keys::kLivePlayOnLoad, obs_module_text("ObsBgm.Live.PlayOnLoad"));
	obs_properties_add_int(props, keys::kLiveSeed, obs_module_text("ObsBgm.Live.Seed"), 0, 1000000000, 1);
	for (int t = 1; t <= kTracks; ++t) {
		char label[128];
		snprintf(label, sizeof label, obs_module_text("ObsBgm.Live.Track"), t);
		obs_properties_add_bool(props, (std::string(keys::kLiveTrackPrefix) + std::to_string(t)).c_str(), label);
	}
	obs_properties_add_text(props, "tracks_help", obs_module_text("ObsBgm.Live.Tracks.Help"), OBS_TEXT_INFO);
	obs_properties_add_button(props, keys::kLiveStartButton, obs_module_text("ObsBgm.Live.Start"),
				  [](obs_properties_t *, obs_property_t *, void *d) {
					  static_cast<LiveSource *>(d)->start();
					  return false;
				  });
	obs_properties_add_button(props, keys::kLiveStopButton, obs_module_text("ObsBgm.Live.Stop"),
				  [](obs_properties_t *, obs_property_t *, void *d) {
					  static_cast<LiveSource *>(d)->stop();
					  return false;
				  });
	(void)data;
	return props;
}

} // namespace

void register_live_source(void)
{
	struct obs_source_info info = {};
	info.id = keys::kLiveSourceId;
	info.type = OBS_SOURCE_TYPE_INPUT;
	info.output_flags = OBS_SOURCE_AUDIO;
	info.icon_type = OBS_ICON_TYPE_AUDIO_OUTPUT;
	info.get_name = live_get_name;
	info.create = [](obs_data_t *settings, obs_source_t *source) {
		return guarded_call("creating the live music", static_cast<void *>(nullptr), [&] { return live_create(settings, source); });
	};
	info.destroy = [](void *data) { guarded("removing the live music", [&] { live_destroy(data); }); };
	info.update = [](void *data, obs_data_t *settings) {
		guarded("the live music's settings", [&] { static_cast<LiveSource *>(data)->update(settings); });
	};
	info.get_defaults = live_defaults;
	info.get_properties = [](void *data) {
		return guarded_call("the live music's properties", static_cast<obs_properties_t *>(nullptr), [&] { return live_properties(data); });
	};
	obs_register_source(&info);
}

int live_start_all(void)
{
	return for_each_source([](LiveSource &s) { s.start(); });
}

int live_stop_all(void)
{
	return for_each_source([](LiveSource &s) { s.stop(); });
}

void live_toggle_all(void)
{
	bool any = false;
	for_each_source([&](LiveSource &s) { any = any || s.playing(); });
	if (any)
		live_stop_all();
	else
		live_start_all();
}

std::string live_set_mood_all(const std::string &prompt)
{
	std::string error;
	const int n = for_each_source([&](LiveSource &s) {
		if (error.empty())
			error = s.set_mood(prompt);
	});
	if (n == 0)
		return obs_module_text("ObsBgm.Live.NoSource");
	return error;
}

std::vector<live_source_status> live_status_all(void)
{
	std::vector<live_source_status> out;
	for_each_source([&](LiveSource &s) { out.push_back(s.status()); });
	return out;
}
