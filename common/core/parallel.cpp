#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace bgm {

void run_tasks(size_t tasks, int threads, const std::function<void(size_t task)>& task) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < tasks;) task(i);
  };
  const auto helpers = static_cast<size_t>(std::max(0L, std::min(static_cast<long>(threads), static_cast<long>(tasks)) - 1));
  std::vector<std::thread> pool;
  for (size_t i = 0; i < helpers; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace bgm
