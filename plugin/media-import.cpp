#include "media-import.h"

#include <obs-frontend-api.h>
#include <obs-module.h>

#include <cstring>
#include <memory>
#include <string>

#include "obs-handles.h"

namespace {

/* "name", else "name 2", "name 3"...: OBS source names must be unique. */
std::string unique_source_name(const std::string &name)
{
	for (int n = 1;; ++n) {
		const std::string candidate = n == 1 ? name : name + " " + std::to_string(n);
		SourcePtr existing(obs_get_source_by_name(candidate.c_str()));
		if (!existing)
			return candidate;
	}
}

} // namespace

std::string add_media_source(obs_scene_t *scene, const std::string &file, const std::string &name)
{
	if (!scene)
		return {};
	DataPtr settings(obs_data_create());
	obs_data_set_bool(settings.get(), "is_local_file", true);
	obs_data_set_string(settings.get(), "local_file", file.c_str());
	obs_data_set_bool(settings.get(), "restart_on_activate", true);
	const std::string unique = unique_source_name(name);
	SourcePtr media(obs_source_create("ffmpeg_source", unique.c_str(), settings.get(), nullptr));
	if (!media)
		return {};
	if (!obs_scene_add(scene, media.get()))
		return {};
	return unique;
}

static SourcePtr current_scene()
{
	return SourcePtr(obs_frontend_preview_program_mode_active() ? obs_frontend_get_current_preview_scene()
								    : obs_frontend_get_current_scene());
}

std::string add_media_source_to_current_scene(const std::string &file, const std::string &name)
{
	SourcePtr scene_source = current_scene();
	return add_media_source(scene_source ? obs_scene_from_source(scene_source.get()) : nullptr, file, name);
}

static bool has_analyzer(obs_source_t *source)
{
	bool present = false;
	obs_source_enum_filters(
		source,
		[](obs_source_t *, obs_source_t *filter, void *param) {
			if (strcmp(obs_source_get_unversioned_id(filter), "obs_bgm_analyzer") == 0)
				*static_cast<bool *>(param) = true;
		},
		&present);
	return present;
}

bool add_analyzer_filter(obs_source_t *source, const std::string &filter_name)
{
	if (has_analyzer(source))
		return true;
	SourcePtr filter(obs_source_create("obs_bgm_analyzer", filter_name.c_str(), nullptr, nullptr));
	if (!filter)
		return false;
	obs_source_filter_add(source, filter.get());
	return true;
}

std::string add_analyzer_to_current_scene(const std::string &filter_name)
{
	SourcePtr scene_source = current_scene();
	if (!scene_source || !add_analyzer_filter(scene_source.get(), filter_name))
		return {};
	return obs_source_get_name(scene_source.get());
}

int add_analyzer_to_every_scene(const std::string &filter_name)
{
	struct Count {
		const std::string *name;
		int done;
	} count{&filter_name, 0};
	obs_enum_scenes(
		[](void *param, obs_source_t *scene) {
			auto *c = static_cast<Count *>(param);
			if (add_analyzer_filter(scene, *c->name))
				++c->done;
			return true;
		},
		&count);
	return count.done;
}

bool current_scene_has_analyzer()
{
	SourcePtr scene_source = current_scene();
	return scene_source && has_analyzer(scene_source.get());
}
