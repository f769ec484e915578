// The threaded parts on their own (the job runner, the serial worker, the recording clock, AAC on two threads): edges driven by a
// backend that blocks or throws, and many threads at once. The TSan build (scripts/check-reliability.sh) runs these.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "analysis/recording_clock.h"
#include "analysis/speech.h"
#include "audio/audio_frames.h"
#include "audio/audio_store.h"
#include "audio/drum_bus.h"
#include "audio/master.h"
#include "media/audio_packet_encoder.h"
#include "jobs/job_runner.h"
#include "jobs/serial_worker.h"
#include "support/fake_backend.h"

namespace bgm {
namespace {

using namespace std::chrono_literals;

using GateBackend = test::FakeBackend;  // blocks until opened, or throws: the runner's edges

JobSnapshot wait_finished(JobRunner& runner, std::uint64_t id) {
  for (int i = 0; i < 1000; ++i) {
    auto s = runner.get(id);
    if (s && (s->state == JobState::kDone || s->state == JobState::kFailed || s->state == JobState::kCancelled)) return *s;
    std::this_thread::sleep_for(10ms);
  }
  ADD_FAILURE() << "job " << id << " did not finish";
  return {};
}

TEST(HostileJobs, AnExceptionInTheBackendBecomesTheJobsError) {
  JobRunner runner(std::make_shared<GateBackend>());
  JobRequest bad;
  bad.prompt = "throw";
  const auto s = wait_finished(runner, *runner.submit(bad));
  EXPECT_EQ(s.state, JobState::kFailed);
  EXPECT_EQ(s.error->code, ErrorCode::kInternal);
  EXPECT_NE(s.error->message.find("boom"), std::string::npos);
  bad.prompt = "bad_alloc";
  EXPECT_NE(wait_finished(runner, *runner.submit(bad)).error->message.find("memory"), std::string::npos);
}

TEST(HostileJobs, TheQueueIsBoundedAndARecordingIsQueuedOnce) {
  auto backend = std::make_shared<GateBackend>();
  JobRunner runner(backend);
  JobRequest rec;
  rec.input = "/rec/a.mkv";
  const auto first = *runner.submit(rec);
  backend->wait_started(1);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(*runner.submit(rec), first) << "a flood of the same request is one job";
  std::vector<std::uint64_t> waiting;
  for (size_t i = 0; i < JobRunner::kMaxQueued; ++i) {
    JobRequest other;
    other.input = "/rec/other" + std::to_string(i) + ".mkv";
    waiting.push_back(*runner.submit(other));
  }
  JobRequest one_more;
  one_more.input = "/rec/one-more.mkv";
  const auto refused = runner.submit(one_more);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("already waiting"), std::string::npos);
  EXPECT_EQ(runner.list().size(), 1 + JobRunner::kMaxQueued);
  backend->open();
  for (auto id : waiting) EXPECT_EQ(wait_finished(runner, id).state, JobState::kDone);
  // Finished jobs are forgotten past kMaxFinished; the newest are kept.
  for (size_t i = 0; i < JobRunner::kMaxFinished + 10; ++i) wait_finished(runner, *runner.submit(JobRequest{}));
  EXPECT_LE(runner.list().size(), JobRunner::kMaxFinished);
  EXPECT_FALSE(runner.get(first)) << "the oldest is gone";
}

TEST(HostileJobs, TheListenerSeesEachJobsChangesInOrder) {
  // A job that fails at once may finish before submit() returns: its "queued" must not arrive after "failed".
  std::mutex m;
  std::map<std::uint64_t, std::vector<std::uint64_t>> seen;
  JobRunner runner(std::make_shared<GateBackend>(), [&](const JobSnapshot& s) {
    std::lock_guard lock(m);
    seen[s.id].push_back(s.revision);
  });
  JobRequest bad;
  bad.prompt = "throw";
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 200; ++i) {
    const auto id = runner.submit(bad);
    if (id) ids.push_back(*id);
    else std::this_thread::sleep_for(1ms);
  }
  for (int i = 0; i < 1000; ++i) {  // until nothing waits or runs (finished jobs may be pruned already)
    const auto jobs = runner.list();
    if (std::none_of(jobs.begin(), jobs.end(), [](const JobSnapshot& s) { return s.state == JobState::kQueued || s.state == JobState::kRunning; })) break;
    std::this_thread::sleep_for(10ms);
  }
  runner.shutdown();
  std::lock_guard lock(m);
  for (const auto& [id, revisions] : seen) EXPECT_TRUE(std::is_sorted(revisions.begin(), revisions.end())) << "job " << id;
}

TEST(HostileJobs, ASerialWorkerSurvivesATaskThatThrows) {
  std::atomic<int> errors{0}, ran{0};
  {
    SerialWorker worker([&](const std::string& what) {
      if (what == "disk on fire") ++errors;
    });
    worker.post([] { throw std::runtime_error("disk on fire"); });
    worker.post([&] { ++ran; });
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(ran, 1) << "the next task still runs";
}

TEST(HostileJobs, ManyThreadsAtOnceSeeAConsistentRunner) {
  auto backend = std::make_shared<GateBackend>();
  std::atomic<int> delivered{0};
  JobRunner runner(backend, [&](const JobSnapshot&) { ++delivered; });
  backend->open();
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        JobRequest req;
        req.input = "/rec/t" + std::to_string(t) + "-" + std::to_string(i % 3) + ".mkv";
        if (const auto id = runner.submit(req); id && i % 4 == 0) runner.cancel(*id);
        for (const auto& s : runner.list()) EXPECT_LE(s.state, JobState::kCancelled);
        (void)runner.get(static_cast<std::uint64_t>(i));
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  stop = true;
  for (auto& th : threads) th.join();
  const auto jobs = runner.list();
  EXPECT_LE(std::count_if(jobs.begin(), jobs.end(), [](const JobSnapshot& s) { return s.state == JobState::kQueued; }),
            static_cast<long>(JobRunner::kMaxQueued));
  runner.shutdown();
  EXPECT_GT(delivered.load(), 0);
}

TEST(RecordingClockTest, PausedTimeIsNotRecordingTime) {
  RecordingClock clock;
  EXPECT_FALSE(clock.seconds(5));
  clock.start(1'000'000'000);
  EXPECT_DOUBLE_EQ(*clock.seconds(3'000'000'000), 2.0);
  clock.pause(3'000'000'000);
  EXPECT_TRUE(clock.paused());
  EXPECT_DOUBLE_EQ(*clock.seconds(9'000'000'000), 2.0) << "frozen while paused";
  clock.resume(10'000'000'000);
  EXPECT_DOUBLE_EQ(*clock.seconds(11'000'000'000), 3.0) << "the pause is taken out";
  const auto session = clock.session();
  EXPECT_DOUBLE_EQ(clock.stop(12'000'000'000), 4.0);
  EXPECT_EQ(clock.session(), 0u);
  clock.start(20'000'000'000);
  EXPECT_NE(clock.session(), session) << "a new recording";
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(FakeBackendJobs, ARemoteFailureReachesTheSnapshotWithItsCodeAndIndeterminateProgressPassesThrough) {
  test::FakeScript script;
  script.stages = {{Stage::kUploading, 0.5}, {Stage::kWaiting, kIndeterminate}};
  script.lines = {{"Understood", {}, "Understood: calm."}};
  script.error = Error(ErrorCode::kQuota, "Out of credits.", 2001, "https://example.com/register?bind=abc");
  script.gate = false;
  std::mutex m;
  std::vector<JobSnapshot> seen;
  JobRunner runner(std::make_shared<test::FakeBackend>(script), [&](const JobSnapshot& s) {
    std::lock_guard lock(m);
    seen.push_back(s);
  });
  auto id = runner.submit(JobRequest{});
  ASSERT_TRUE(id);
  const JobSnapshot done = wait_finished(runner, *id);
  ASSERT_EQ(done.state, JobState::kFailed);
  EXPECT_EQ(done.error->code, ErrorCode::kQuota);
  EXPECT_EQ(done.error->remote_code, 2001);
  EXPECT_EQ(done.error->action_url, "https://example.com/register?bind=abc");
  ASSERT_EQ(done.transcript.size(), 1u);
  std::lock_guard lock(m);
  bool indeterminate = false;
  for (const auto& s : seen) indeterminate |= s.stage == Stage::kWaiting && s.fraction < 0;
  EXPECT_TRUE(indeterminate) << "a remote wait without an estimate reaches listeners as such";
}

}  // namespace
}  // namespace bgm

// The server's work queue: fair between tokens, capped, and a shutdown that answers what waits and joins.
#include "server/work_queue.h"

namespace bgm {
namespace {

TEST(WorkQueue, TakesTokensInTurnAndCapsEachLine) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false, holding = false;
  std::vector<std::string> order;
  WorkQueue queue(1, 4, 64);
  // Whatever assertion returns early, the held worker is let go before the queue joins it.
  struct Release {
    std::mutex& m;
    std::condition_variable& cv;
    bool& release;
    ~Release() {
      { std::lock_guard lock(m); release = true; }
      cv.notify_all();
    }
  } release_at_exit{m, cv, release};
  // The worker is held by a first job, so the lines fill up behind it. Wait until it holds: a worker that wakes
  // late would otherwise find "a" ahead of "hold" in its turn and start a0 while the line is still filling.
  ASSERT_TRUE(queue.submit("hold", [&](const CancelToken*) {
    std::unique_lock lock(m);
    holding = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  }));
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return holding; }));
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(queue.submit("a", [&, i](const CancelToken*) { std::lock_guard l(m); order.push_back("a" + std::to_string(i)); }));
  }
  auto fifth = queue.submit("a", [](const CancelToken*) {});
  ASSERT_FALSE(fifth) << "a token's line holds 4";
  EXPECT_EQ(fifth.error().code, ErrorCode::kRateLimited) << "a token's line holds 4";
  ASSERT_TRUE(queue.submit("b", [&](const CancelToken*) { std::lock_guard l(m); order.push_back("b0"); }));
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  while (queue.waiting() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  queue.shutdown();
  ASSERT_EQ(order.size(), 5u);
  EXPECT_EQ(order[0], "a0");
  EXPECT_EQ(order[1], "b0") << "b is not starved behind a's whole line";
}

TEST(WorkQueue, ShutdownCancelsRunningWorkAndAnswersWaitingWork) {
  WorkQueue queue(2, 8, 64);
  std::atomic<int> cancelled{0}, ran{0};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(queue.submit("t" + std::to_string(i % 3), [&](const CancelToken* cancel) {
      ++ran;
      if (!cancel->sleep_for(std::chrono::seconds(30))) ++cancelled;
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto t0 = std::chrono::steady_clock::now();
  queue.shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(ran.load(), 6) << "waiting work runs with a cancelled token, so it can answer";
  EXPECT_EQ(cancelled.load(), 6);
  EXPECT_FALSE(queue.submit("late", [](const CancelToken*) {}));
}

// A finished store of `seconds` of sound, both channels `sample(second, i)` at frame i of each second; nullopt
// when the temporary folder cannot hold it.
std::optional<AudioStore> filled_store(int seconds, const std::function<float(int second, size_t i)>& sample) {
  auto store = AudioStore::create(std::filesystem::temp_directory_path(), 48000);
  if (!store) return std::nullopt;
  std::vector<float> block(48000);
  for (int second = 0; second < seconds; ++second) {
    for (size_t i = 0; i < block.size(); ++i) block[i] = sample(second, i);
    if (!store->append(block.data(), block.data(), block.size())) return std::nullopt;
  }
  if (!store->finish()) return std::nullopt;
  return std::move(store).value();
}

// Two encoders reading one store at once, the reader taking their chunks in order.
TEST(AacOnTwoThreads, TwoEncodersReadOneStoreAndTheirPacketsComeInOrder) {
  auto store = filled_store(24, [](int second, size_t i) { return 0.2f * static_cast<float>(std::sin(0.03 * static_cast<double>(i + second))); });
  ASSERT_TRUE(store);
  AudioCodecSetup setup;
  setup.encoder = "aac";
  setup.bit_rate = 256000;
  setup.threads = 2;
  auto encoder = AudioPacketEncoder::open(*store, setup);
  ASSERT_TRUE(encoder) << encoder.error().message;
  ASSERT_EQ((*encoder)->threads(), 2);
  AVPacket* packet = av_packet_alloc();
  int64_t last = INT64_MIN, frames = 0;
  for (;;) {
    auto got = (*encoder)->next(packet);
    ASSERT_TRUE(got) << got.error().message;
    if (!*got) break;
    EXPECT_GT(packet->pts, last);
    last = packet->pts;
    frames += packet->duration;
    av_packet_unref(packet);
  }
  av_packet_free(&packet);
  EXPECT_EQ(frames, 24 * 48000 + 1024) << "every frame, and the encoder's priming";
}

TEST(SpeechOnTwoThreads, TheStretchesReadOneStoreThroughAViewAndAgreeWithOneThread) {
  // A minute of a tone that comes and goes, in a store, read through the cut-to-length view the score reads.
  auto store = filled_store(60, [](int second, size_t i) {
    const double t = second + static_cast<double>(i) / 48000;
    return static_cast<float>((second % 7 < 3 ? 0.2 : 0.01) * std::sin(2 * 3.14159265 * (150 + 40 * std::fmod(t, 0.25)) * t));
  });
  ASSERT_TRUE(store);
  const MixFrames view({MixInput{&*store}}, 59 * 48000, 48000);
  ASSERT_TRUE(view.reads_from_any_thread());
  const AudioAnalysis one = analyse_audio(view, 1), two = analyse_audio(view, 2);
  EXPECT_EQ(two.loudness_lufs, one.loudness_lufs);
  ASSERT_EQ(two.speech.size(), one.speech.size());
  for (size_t i = 0; i < one.speech.size(); ++i) EXPECT_EQ(two.speech[i].start, one.speech[i].start);
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// A curve that keeps nothing between calls (as a ride or a ducking curve): any thread may read it.
class SlowSwell final : public GainCurve {
 public:
  void gains(size_t first, float* out, size_t count) const override {
    for (size_t k = 0; k < count; ++k) out[k] = static_cast<float>(0.7 + 0.3 * std::sin(static_cast<double>(first + k) / 48000.0));
  }
  bool reads_from_any_thread() const override { return true; }
};

TEST(MasterOnTwoThreads, LongAudioIsMasteredAndItsDrumsTamedInStretchesThroughACurvedView) {
  // Two and a half minutes of hits over a tone in a store, read through a view with a curve (as the ridden mix is).
  auto store = filled_store(150, [](int second, size_t i) {
    const double t = second + static_cast<double>(i) / 48000;
    return static_cast<float>(0.2 * std::sin(2 * 3.14159265 * 110 * t) + 0.7 * std::exp(-std::fmod(t, 0.37) * 40) * std::sin(5000.0 * t));
  });
  ASSERT_TRUE(store);
  const SlowSwell swell;
  const MixFrames view({MixInput{&*store, 1.0f, &swell}}, store->frames(), 48000);
  ASSERT_TRUE(view.reads_from_any_thread());
  const auto dir = std::filesystem::temp_directory_path();  // the stores' files are unlinked at once
  MasterSettings settings;
  auto one = master_audio({&view}, settings, dir, nullptr);
  settings.threads = 2;
  auto two = master_audio({&view, &*store}, settings, dir, nullptr);
  ASSERT_TRUE(one && two);
  EXPECT_EQ(two->report.output_lufs, one->report.output_lufs);
  EXPECT_NEAR(two->report.output_lufs, settings.target_lufs, 0.1);
  std::vector<float> a(4096), b(4096), c(4096), d(4096);
  for (size_t at = 0; at < store->frames(); at += 999 * 48) {  // spot checks across every stretch
    one->audio[0].read_at(at, a.data(), b.data(), a.size());
    two->audio[0].read_at(at, c.data(), d.data(), c.size());
    ASSERT_EQ(a, c) << "frame " << at;
    // The stem (the store under the view) got the same gain frame by frame: the mix is still the stem times the curve.
    two->audio[1].read_at(at, d.data(), b.data(), d.size());
    std::vector<float> curve(d.size());
    swell.gains(at, curve.data(), curve.size());
    for (size_t k = 0; k < d.size(); ++k) ASSERT_NEAR(c[k], d[k] * curve[k], 1e-5) << "frame " << at + k;
  }
  DrumBusSettings drums;
  drums.mix_lufs = -20;
  drums.threads = 2;
  auto tamed = tame_drum_transients(view, drums, dir, nullptr, &*store);
  ASSERT_TRUE(tamed) << tamed.error().message;
  EXPECT_EQ(tamed->audio.frames(), store->frames());
  EXPECT_GT(tamed->max_reduction_db, 1.0);
}

}  // namespace
}  // namespace bgm
