#pragma once
/* The "AI Music Analyzer" video filter (id obs_bgm_analyzer): passes video through untouched and, while
 * recording (not while paused), reads back a 64x36 picture at most 10 times a second (staged on the GPU and mapped
 * a sample later, so the graphics thread never waits) into the controller's LiveAnalysis, timed by the
 * controller's RecordingClock. Only a filter whose source is in the program output (libobs: "active") samples:
 * studio mode's preview, projectors and multiview render other scenes too ("showing"), and they are not recorded.
 * Thread: registered from obs_module_load; its callbacks run on OBS's graphics and UI threads. */

void register_analyzer_filter(void);
