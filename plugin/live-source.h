#pragma once
/* "AI Music (live)": an audio source that plays music without end on the local engine (common/live), moving to each
 * program scene's mood at the next bar and stepping back under a chosen microphone. Its own threads render and hand
 * audio to OBS; OBS's threads only take it. The functions below reach every live source (the dock, the hotkey and
 * the obs-websocket requests use them).
 * Thread: any, unless a function says otherwise. */

#include <string>
#include <vector>

struct live_source_status {
	std::string name;      /* the source's name */
	bool playing = false;  /* asked to play (it may still be loading) */
	bool ready = false;    /* its music has started */
	std::string style, mood, key, prompt, error;
	double tempo_bpm = 0;
	double seconds = 0;    /* of music played since it was created */
	bool voice = false;    /* stepping back under the microphone now */
};

void register_live_source(void);

/* Start or stop every live source; the number of sources reached. */
int live_start_all(void);
int live_stop_all(void);
/* Start them if none plays, else stop them all (the hotkey). */
void live_toggle_all(void);
/* The music of every live source moves to `prompt` (a style and mood) at its next bar. Returns an error message
 * (no live source, an unknown style), empty on success. */
std::string live_set_mood_all(const std::string &prompt);
/* What each live source plays. (Each source follows the program scene itself: OBS's output channel 0, see
 * live-voice.h.) */
std::vector<live_source_status> live_status_all(void);
