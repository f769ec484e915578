#pragma once
/* Results into the scene: a Media Source (ffmpeg_source) playing the file, added to the current scene (the
 * preview scene in studio mode).
 * Thread: the OBS UI thread. */

#include <obs.h>

#include <string>

/* Adds a Media Source playing `file` to `scene`, named `name` (made unique). Returns the name used, or an empty
 * string when the source could not be created. */
std::string add_media_source(obs_scene_t *scene, const std::string &file, const std::string &name);

/* The same in the frontend's current scene (the preview scene in studio mode). Returns the new source's name ("AI Music - Lo-fi", made unique), or an empty string when there is no scene or
 * the source could not be created. */
std::string add_media_source_to_current_scene(const std::string &file, const std::string &name);

/* Adds the analyzer filter to `source` unless it has one already. False when the filter could not be created. */
bool add_analyzer_filter(obs_source_t *source, const std::string &filter_name);

/* Adds the analyzer filter to the current scene (the preview scene in studio mode) unless it is there already.
 * Returns the scene's name, or an empty string when there is no scene. */
std::string add_analyzer_to_current_scene(const std::string &filter_name);

/* Adds the analyzer filter to every scene that has none; returns how many scenes have it now. */
int add_analyzer_to_every_scene(const std::string &filter_name);

/* Whether the current scene (the preview scene in studio mode) has the analyzer filter. */
bool current_scene_has_analyzer();
