#pragma once
/* Owning pointers for libobs references: released when they go out of scope.
 * Thread: any (libobs reference counting is thread-safe). */

#include <obs.h>

#include <memory>

struct ObsSourceRelease {
	void operator()(obs_source_t *s) const { obs_source_release(s); }
};
struct ObsDataRelease {
	void operator()(obs_data_t *d) const { obs_data_release(d); }
};
using SourcePtr = std::unique_ptr<obs_source_t, ObsSourceRelease>;
using DataPtr = std::unique_ptr<obs_data_t, ObsDataRelease>;
