#pragma once
/* What the live source listens to: the program scene (OBS's output channel 0, through its transition: in studio
 * mode the scene being transitioned to), and whether the chosen microphone carries a voice the program can hear
 * (in that scene or a scene or group nested in it, visible all the way, not muted).
 * Thread: any, unless a function says otherwise. */

#include <obs.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

/* The name of the program scene, empty when there is none. */
std::string program_scene_name(void);

class MicWatch {
public:
	MicWatch() = default;
	~MicWatch();
	MicWatch(const MicWatch &) = delete;
	MicWatch &operator=(const MicWatch &) = delete;

	/* Listens to the source named `name` (empty: none); again when it was created after the first call. */
	void watch(const std::string &name);
	/* A voice was heard within the last 0.5 s on the microphone, and the program hears the microphone. */
	bool voice_heard(uint64_t now_ns);

private:
	static void on_audio(void *param, obs_source_t *source, const struct audio_data *audio, bool muted);
	void detach();

	std::mutex mutex_;
	std::string name_;
	obs_weak_source_t *mic_ = nullptr;
	std::atomic<uint64_t> last_voice_ns_{0};
};
