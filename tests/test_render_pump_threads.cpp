// The render queue's threads (server/render_pump, server/job_store) without the engine, for TSan: three boxes'
// pumps on one database run every render exactly once, and a box that stops puts what it runs back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "server/render_pump.h"
#include "session/session_store.h"

namespace bgm {
namespace {
namespace fs = std::filesystem;

struct Folder {
  Folder() : path(fs::temp_directory_path() / ("obs-bgm-pump-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device()()))) {}
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

RenderRecord render_of(const std::string& owner, int i) {
  RenderRecord r;
  r.owner = owner;
  r.id = render_key(owner, "r" + std::to_string(i));
  r.session = "s_x";
  r.created_ms = i + 1;
  return r;
}

bool wait_until(const std::function<bool()>& done, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

int64_t count(SessionStore& store, const std::string& where) {
  return store.database()->with([&](SqlDatabase& d) {
    auto r = d.query("SELECT count(*) FROM renders WHERE " + where);
    return r ? r->rows.at(0).integer(0) : -1;
  });
}

TEST(RenderPumpThreads, ThreeBoxesOnOneDatabaseRunEveryRenderExactlyOnce) {
  Folder folder;
  auto store = SessionStore::open(folder.path);
  ASSERT_TRUE(store) << store.error().message;
  std::mutex mutex;
  std::map<std::string, int> runs;
  std::vector<std::unique_ptr<JobStore>> jobs;
  std::vector<std::unique_ptr<EngineSlots>> slots;
  std::vector<std::unique_ptr<RenderPump>> pumps;
  for (int b = 0; b < 3; ++b) {
    jobs.push_back(std::make_unique<JobStore>((*store)->database(), "box" + std::to_string(b), JobLimits{}));
    slots.push_back(std::make_unique<EngineSlots>(2));
    PumpOptions o;
    o.workers = 2;
    o.slots = slots.back().get();
    o.renew_every = std::chrono::milliseconds(20);
    o.look_every = std::chrono::milliseconds(50);
    JobStore& mine = *jobs.back();
    pumps.push_back(std::make_unique<RenderPump>(
        mine, o,
        [&mine, &mutex, &runs](RenderRecord r, const CancelToken*) {
          {
            std::lock_guard lock(mutex);
            ++runs[r.id];
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          r.status = RenderStatus::kCompleted;
          (void)mine.finish(r);
        },
        [](const std::string&) {}));
  }
  for (auto& p : pumps) p->start();
  for (int i = 0; i < 60; ++i) {  // 15 tokens x 4: the caps allow all
    ASSERT_EQ(*jobs[static_cast<size_t>(i) % 3]->admit_render(render_of("owner" + std::to_string(i / 4), i)), Admission::kAdmitted);
    pumps[static_cast<size_t>(i) % 3]->wake();
  }
  ASSERT_TRUE(wait_until([&] { return count(**store, "status='completed'") == 60; }, 60));
  for (auto& p : pumps) p->stop();
  ASSERT_EQ(runs.size(), 60u);
  for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << id;
}

TEST(RenderPumpThreads, ABoxThatStopsPutsWhatItRunsBackAndAnotherFinishesIt) {
  Folder folder;
  auto store = SessionStore::open(folder.path);
  ASSERT_TRUE(store) << store.error().message;
  JobStore first((*store)->database(), "first", JobLimits{}), second((*store)->database(), "second", JobLimits{});
  EngineSlots slots_first(2), slots_second(2);
  PumpOptions o;
  o.workers = 2;
  o.look_every = std::chrono::milliseconds(50);
  std::atomic<int> started{0};
  o.slots = &slots_first;
  RenderPump stopping(
      first, o,
      [&started](RenderRecord, const CancelToken* cancel) {
        ++started;
        while (!cancel->cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // until the stop
      },
      [](const std::string&) {});
  stopping.start();
  for (int i = 0; i < 4; ++i) ASSERT_EQ(*first.admit_render(render_of("owner", i)), Admission::kAdmitted);
  stopping.wake();
  ASSERT_TRUE(wait_until([&] { return started == 2; }, 10)) << "two workers, two renders running";
  stopping.stop();
  EXPECT_EQ(count(**store, "status='queued'"), 4) << "the running ones are back in the queue";
  EXPECT_EQ(count(**store, "failures>0"), 0) << "a stop is not a failure";
  o.slots = &slots_second;
  RenderPump finishing(
      second, o,
      [&second](RenderRecord r, const CancelToken*) {
        r.status = RenderStatus::kCompleted;
        (void)second.finish(r);
      },
      [](const std::string&) {});
  finishing.start();
  ASSERT_TRUE(wait_until([&] { return count(**store, "status='completed' AND box='second'") == 4; }, 10));
  finishing.stop();
}

}  // namespace
}  // namespace bgm
