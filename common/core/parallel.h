#pragma once
// Independent tasks shared among a few threads: the calling thread and up to `threads - 1` helpers take the tasks
// in turn (0, 1, 2, ...) until none is left; it returns when all are done.
// Thread: any thread; `task` runs on several threads at once (each call with its own index).

#include <cstddef>
#include <functional>

namespace bgm {

void run_tasks(size_t tasks, int threads, const std::function<void(size_t task)>& task);

}  // namespace bgm
