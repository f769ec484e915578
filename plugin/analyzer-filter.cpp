#include "analyzer-filter.h"

#include <graphics/graphics.h>
#include <graphics/vec4.h>
#include <obs-module.h>
#include <util/platform.h>

#include <atomic>
#include <cstdint>

#include "analysis/feature_tracker.h"
#include "bgm-controller.h"
#include "guarded-call.h"

namespace {

constexpr uint64_t kSampleIntervalNs = 100'000'000; /* at most 10 pictures a second */

/* The last picture taken by any analyzer: at most 10 pictures a second in all. */
std::atomic<uint64_t> g_last_sample_ns{0};

struct analyzer_filter {
	obs_source_t *context = nullptr;
	gs_texrender_t *texrender = nullptr;
	gs_stagesurf_t *stage = nullptr;
	bool staged = false;
	double staged_t = 0;
	int staged_cx = 0, staged_cy = 0;
	uint64_t last_sample_ns = 0;
	uint64_t session = 0;
	bool failed = false;
};

const char *analyzer_get_name(void *)
{
	return obs_module_text("ObsBgm.Filter.Name");
}

void *analyzer_create(obs_data_t *, obs_source_t *source)
{
	auto *f = new analyzer_filter;
	f->context = source;
	return f;
}

void analyzer_destroy(void *data)
{
	auto *f = static_cast<analyzer_filter *>(data);
	obs_enter_graphics();
	gs_texrender_destroy(f->texrender);
	gs_stagesurface_destroy(f->stage);
	obs_leave_graphics();
	delete f;
}

/* Maps the picture staged at the last sample (a frame or more ago: the copy is done) and hands it on. */
void read_back(analyzer_filter *f)
{
	if (!f->staged)
		return;
	f->staged = false;
	uint8_t *data = nullptr;
	uint32_t linesize = 0;
	if (!gs_stagesurface_map(f->stage, &data, &linesize))
		return;
	BgmController::get().live_analysis().add_picture(f->staged_t, data, linesize, f->staged_cx, f->staged_cy);
	gs_stagesurface_unmap(f->stage);
}

void sample(analyzer_filter *f, uint64_t now, double t)
{
	obs_source_t *target = obs_filter_get_target(f->context);
	const uint32_t cx = target ? obs_source_get_base_width(target) : 0;
	const uint32_t cy = target ? obs_source_get_base_height(target) : 0;
	if (!cx || !cy)
		return;
	if (!f->texrender) {
		f->texrender = gs_texrender_create(GS_BGRA, GS_ZS_NONE);
		f->stage = gs_stagesurface_create(bgm::kThumbWidth, bgm::kThumbHeight, GS_BGRA);
		if (!f->texrender || !f->stage) {
			f->failed = true;
			blog(LOG_WARNING, "[obs-bgm] The analyzer filter could not create its GPU buffers; it passes video through "
					  "and records no analysis.");
			return;
		}
	}
	read_back(f);
	gs_texrender_reset(f->texrender);
	if (!gs_texrender_begin(f->texrender, bgm::kThumbWidth, bgm::kThumbHeight))
		return;
	struct vec4 clear;
	vec4_zero(&clear);
	gs_clear(GS_CLEAR_COLOR, &clear, 0.0f, 0);
	gs_ortho(0.0f, static_cast<float>(cx), 0.0f, static_cast<float>(cy), -100.0f, 100.0f);
	gs_blend_state_push();
	gs_blend_function(GS_BLEND_ONE, GS_BLEND_ZERO);
	obs_source_video_render(target);
	gs_blend_state_pop();
	gs_texrender_end(f->texrender);
	gs_stage_texture(f->stage, gs_texrender_get_texture(f->texrender));
	f->staged = true;
	f->staged_t = t;
	f->staged_cx = static_cast<int>(cx);
	f->staged_cy = static_cast<int>(cy);
	f->last_sample_ns = now;
}

void analyzer_video_render(void *data, gs_effect_t *)
{
	auto *f = static_cast<analyzer_filter *>(data);
	obs_source_skip_video_filter(f->context); /* the picture goes on untouched */
	const bgm::RecordingClock &clock = BgmController::get().recording_clock();
	const uint64_t session = clock.session();
	if (f->failed || session == 0)
		return;
	if (f->session != session) { /* a new recording */
		f->session = session;
		f->staged = false;
		f->last_sample_ns = 0;
	}
	const uint64_t now = os_gettime_ns();
	if (f->staged && now - f->last_sample_ns >= kSampleIntervalNs / 2)
		read_back(f); /* this filter's scene may not be shown at the next sample */
	if (clock.paused() || !obs_source_active(obs_filter_get_parent(f->context)))
		return; /* paused time is not recorded; nor are scenes only previewed or shown in a projector */
	const auto t = clock.seconds(now);
	uint64_t last = g_last_sample_ns.load();
	if (!t || (last != 0 && now - last < kSampleIntervalNs))
		return;
	if (!g_last_sample_ns.compare_exchange_strong(last, now))
		return; /* another analyzer took this one */
	sample(f, now, *t);
}

} // namespace

void register_analyzer_filter(void)
{
	struct obs_source_info info = {};
	info.id = "obs_bgm_analyzer";
	info.type = OBS_SOURCE_TYPE_FILTER;
	info.output_flags = OBS_SOURCE_VIDEO;
	info.get_name = analyzer_get_name;
	/* Through guarded calls: an exception on the graphics thread would end OBS. */
	info.create = [](obs_data_t *settings, obs_source_t *source) {
		return guarded_call("creating the analyzer filter", static_cast<void *>(nullptr),
				    [&] { return analyzer_create(settings, source); });
	};
	info.destroy = [](void *data) { guarded("removing the analyzer filter", [&] { analyzer_destroy(data); }); };
	info.video_render = [](void *data, gs_effect_t *effect) {
		guarded("the analyzer filter", [&] { analyzer_video_render(data, effect); });
	};
	obs_register_source(&info);
}
