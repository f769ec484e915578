#pragma once
/* Plays a result in the user's ears before it goes into a scene: a private Media Source (not in any scene, not in
 * the Audio Mixer, not saved) whose sound goes to OBS's audio monitoring device only ("Monitor only"), so it is
 * never heard on the stream or in a recording. One preview at a time; playing another file stops the first.
 * Thread: any (the dock on the UI thread, obs-websocket's requests on theirs); a mutex orders them. */

#include <obs.h>

#include <mutex>
#include <string>

class ResultPreview {
public:
	static ResultPreview &get();

	/* Starts `file` from its beginning; false when the media source could not be made. */
	bool play(const std::string &file);
	void stop();
	/* The file being played, empty when nothing plays (stopped, or played to its end). */
	std::string playing();

private:
	ResultPreview() = default;
	~ResultPreview();
	ResultPreview(const ResultPreview &) = delete;
	ResultPreview &operator=(const ResultPreview &) = delete;

	void stop_locked();

	std::mutex mutex_;
	obs_source_t *source_ = nullptr;
	std::string file_;
	bool seen_playing_ = false;
};
