#pragma once
/* No exception crosses into OBS: every callback OBS (or Qt's event loop) calls runs its body through guarded_call,
 * which logs what escaped and returns `fallback`. An exception out of a graphics-thread or frontend callback would
 * end the whole OBS process.
 * Thread: any. */

#include <obs-module.h>

#include <exception>
#include <utility>

template<typename R, typename Fn> R guarded_call(const char *where, R fallback, Fn &&fn) noexcept
{
	try {
		return std::forward<Fn>(fn)();
	} catch (const std::exception &e) {
		blog(LOG_ERROR, "[obs-bgm] %s failed: %s", where, e.what());
	} catch (...) {
		blog(LOG_ERROR, "[obs-bgm] %s failed", where);
	}
	return fallback;
}

/* The same for callbacks that return nothing. */
template<typename Fn> void guarded(const char *where, Fn &&fn) noexcept
{
	guarded_call(where, 0, [&] {
		std::forward<Fn>(fn)();
		return 0;
	});
}
