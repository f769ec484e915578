#pragma once
// What a server's data folder must not keep: part files of uploads a killed process left, the files of renders
// whose links expired, and render files no render names (a render killed while it wrote). Run at start (before
// any work) with `at_start`, and then periodically while serving (expired links only: parts may be in use). In a
// folder several boxes share, another box may be writing while this one starts: at start only parts and render
// files untouched for an hour go.
// Thread: any thread.

#include <cstdint>

#include "session/session_store.h"

namespace bgm {

struct SweepReport {
  int parts = 0, expired = 0, orphans = 0;
  uint64_t bytes = 0;
};

SweepReport sweep_data(SessionStore& store, bool at_start, bool shared = false);

}  // namespace bgm
