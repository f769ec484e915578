#pragma once
// Ctrl+C and SIGTERM cancel the running job cleanly (no partial files) instead of killing the tool; a second
// Ctrl+C ends it at once.
// Thread: call from the main thread before starting a job; the token may be read from any thread.

#include "core/cancel.h"

namespace bgm::cli {

// Installs the handlers (once) and returns the token they set.
CancelToken& cancel_on_interrupt();

// SIGHUP, for a server that reloads its configuration: true once per signal received since the last call.
// Installs the handler on the first call.
bool take_hangup();

}  // namespace bgm::cli
