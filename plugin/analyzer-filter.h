#pragma once
/* The "AI Music Analyzer" video filter (id obs_bgm_analyzer): passes video through untouched and, while
 * recording, reads back a 64x36 picture at most 10 times a second (staged on the GPU and mapped a sample later,
 * so the graphics thread never waits) into the controller's LiveAnalysis.
 * Thread: registered from obs_module_load; its callbacks run on OBS's graphics and UI threads. */

#include <cstdint>

void register_analyzer_filter(void);
/* The recording's start, from the frontend event (os_gettime_ns); 0 when not recording. */
void analyzer_set_recording_start(uint64_t start_ns);
