#include "live-voice.h"

#include <util/platform.h>

#include <cmath>

namespace {

constexpr float kVoiceDbfs = -45.0f;          /* a block louder than this carries a voice (or something to yield to) */
constexpr uint64_t kHoldNs = 500000000ULL;    /* the music stays back this long after the last loud block */

struct find_state {
	obs_source_t *target;
	bool found;
};

/* Whether `target` is a visible item of `scene`, or of a visible scene or group inside it. */
bool visible_in(obs_scene_t *scene, obs_source_t *target, int depth);

bool check_item(obs_scene_t *, obs_sceneitem_t *item, void *param)
{
	auto *state = static_cast<find_state *>(param);
	if (!obs_sceneitem_visible(item))
		return true;
	obs_source_t *source = obs_sceneitem_get_source(item);
	if (source == state->target) {
		state->found = true;
		return false;
	}
	return true;
}

bool visible_in(obs_scene_t *scene, obs_source_t *target, int depth)
{
	find_state state{target, false};
	obs_scene_enum_items(scene, check_item, &state);
	if (state.found || depth > 8)
		return state.found;
	/* Nested scenes and groups: visible items only. */
	struct nest {
		obs_source_t *target;
		int depth;
		bool found;
	} n{target, depth, false};
	obs_scene_enum_items(
		scene,
		[](obs_scene_t *, obs_sceneitem_t *item, void *param) {
			auto *n = static_cast<nest *>(param);
			if (!obs_sceneitem_visible(item))
				return true;
			obs_scene_t *inner = obs_group_or_scene_from_source(obs_sceneitem_get_source(item));
			if (inner && visible_in(inner, n->target, n->depth + 1)) {
				n->found = true;
				return false;
			}
			return true;
		},
		&n);
	return n.found;
}

/* The program scene with a reference, or null. */
obs_source_t *program_scene(void)
{
	obs_source_t *out = obs_get_output_source(0);
	if (out && obs_source_get_type(out) == OBS_SOURCE_TYPE_TRANSITION) {
		obs_source_t *active = obs_transition_get_active_source(out);
		obs_source_release(out);
		out = active;
	}
	return out;
}

} // namespace

std::string program_scene_name(void)
{
	obs_source_t *scene = program_scene();
	std::string name = scene ? obs_source_get_name(scene) : "";
	obs_source_release(scene);
	return name;
}

MicWatch::~MicWatch()
{
	std::lock_guard lock(mutex_);
	detach();
}

void MicWatch::detach()
{
	if (!mic_)
		return;
	if (obs_source_t *mic = obs_weak_source_get_source(mic_)) {
		obs_source_remove_audio_capture_callback(mic, on_audio, this);
		obs_source_release(mic);
	}
	obs_weak_source_release(mic_);
	mic_ = nullptr;
}

void MicWatch::watch(const std::string &name)
{
	std::lock_guard lock(mutex_);
	if (name == name_ && mic_) {
		obs_source_t *alive = obs_weak_source_get_source(mic_);
		obs_source_release(alive);
		if (alive)
			return;
	}
	detach();
	name_ = name;
	if (name.empty())
		return;
	obs_source_t *mic = obs_get_source_by_name(name.c_str());
	if (!mic)
		return;
	obs_source_add_audio_capture_callback(mic, on_audio, this);
	mic_ = obs_source_get_weak_source(mic);
	obs_source_release(mic);
}

void MicWatch::on_audio(void *param, obs_source_t *, const struct audio_data *audio, bool muted)
{
	auto *self = static_cast<MicWatch *>(param);
	if (muted || !audio || audio->frames == 0 || !audio->data[0])
		return;
	/* OBS's audio is float planar here; the first channel is enough to hear a voice. */
	const auto *samples = reinterpret_cast<const float *>(audio->data[0]);
	double sum = 0;
	for (uint32_t i = 0; i < audio->frames; ++i)
		sum += double(samples[i]) * samples[i];
	const double dbfs = 10.0 * std::log10(sum / audio->frames + 1e-20);
	if (dbfs > kVoiceDbfs)
		self->last_voice_ns_ = os_gettime_ns();
}

bool MicWatch::voice_heard(uint64_t now_ns)
{
	const uint64_t last = last_voice_ns_.load();
	if (last == 0 || now_ns - last > kHoldNs)
		return false;
	std::lock_guard lock(mutex_);
	obs_source_t *mic = mic_ ? obs_weak_source_get_source(mic_) : nullptr;
	if (!mic)
		return false;
	bool heard = !obs_source_muted(mic);
	if (heard) {
		obs_source_t *scene_source = program_scene();
		obs_scene_t *scene = scene_source ? obs_group_or_scene_from_source(scene_source) : nullptr;
		heard = scene && visible_in(scene, mic, 0);
		obs_source_release(scene_source);
	}
	obs_source_release(mic);
	return heard;
}
