#include "result-preview.h"

#include "obs-handles.h"

ResultPreview &ResultPreview::get()
{
	static ResultPreview preview;
	return preview;
}

ResultPreview::~ResultPreview()
{
	/* OBS has shut down by the time statics are destroyed: the frontend's EXIT event calls stop() (plugin-main.cpp). */
	source_ = nullptr;
}

bool ResultPreview::play(const std::string &file)
{
	std::lock_guard<std::mutex> lock(mutex_);
	stop_locked();
	DataPtr settings(obs_data_create());
	obs_data_set_bool(settings.get(), "is_local_file", true);
	obs_data_set_string(settings.get(), "local_file", file.c_str());
	obs_data_set_bool(settings.get(), "looping", false);
	obs_data_set_bool(settings.get(), "restart_on_activate", false);
	obs_data_set_bool(settings.get(), "close_when_inactive", false);
	source_ = obs_source_create_private("ffmpeg_source", "AI Music preview", settings.get());
	if (!source_)
		return false;
	obs_source_set_monitoring_type(source_, OBS_MONITORING_TYPE_MONITOR_ONLY);
	/* OBS's monitor plays a source only while it is active: held active here, it is still in no scene, so it
	 * never reaches the stream or a recording (those mix the scenes' sources only). */
	obs_source_inc_active(source_);
	file_ = file;
	seen_playing_ = false;
	obs_source_media_restart(source_);
	return true;
}

void ResultPreview::stop()
{
	std::lock_guard<std::mutex> lock(mutex_);
	stop_locked();
}

void ResultPreview::stop_locked()
{
	if (!source_)
		return;
	obs_source_media_stop(source_);
	obs_source_dec_active(source_);
	obs_source_release(source_);
	source_ = nullptr;
	file_.clear();
}

std::string ResultPreview::playing()
{
	std::lock_guard<std::mutex> lock(mutex_);
	if (!source_)
		return {};
	const obs_media_state state = obs_source_media_get_state(source_);
	seen_playing_ |= state == OBS_MEDIA_STATE_PLAYING;
	/* Stopped counts once it has played: before its first frame a media source may still say so. */
	if (state == OBS_MEDIA_STATE_ENDED || state == OBS_MEDIA_STATE_ERROR || (seen_playing_ && state == OBS_MEDIA_STATE_STOPPED)) {
		stop_locked();
		return {};
	}
	return file_;
}
