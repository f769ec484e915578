// The backend interface and the job runner the OBS plugin drives: jobs run on their own thread, report their
// stages in order, can be cancelled within a second without leaving a file, never overwrite an earlier result,
// and finished results are kept across restarts.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "backend/local_backend.h"
#include "jobs/job_runner.h"
#include "jobs/result_store.h"
#include "jobs/serial_worker.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using test::quote;
using namespace std::chrono_literals;

// Collects what the runner reports and lets a test wait for a state.
class Recorder {
 public:
  void operator()(const JobSnapshot& s) {
    std::lock_guard lock(m_);
    if (s.state == JobState::kRunning && (stages_.empty() || stages_.back() != s.stage)) stages_.push_back(s.stage);
    if (!first_line_stage_ && !s.transcript.empty() && s.state == JobState::kRunning) first_line_stage_ = s.stage;
    last_[s.id] = s;
    cv_.notify_all();
  }
  JobSnapshot wait_for(std::uint64_t id, const std::function<bool(const JobSnapshot&)>& done, std::chrono::seconds limit = 120s) {
    std::unique_lock lock(m_);
    cv_.wait_for(lock, limit, [&] { return last_.count(id) && done(last_[id]); });
    return last_[id];
  }
  std::vector<Stage> stages() {
    std::lock_guard lock(m_);
    return stages_;
  }
  // The stage the job was in when its first transcript line arrived.
  std::optional<Stage> first_line_stage() {
    std::lock_guard lock(m_);
    return first_line_stage_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::map<std::uint64_t, JobSnapshot> last_;
  std::vector<Stage> stages_;
  std::optional<Stage> first_line_stage_;
};

bool finished(const JobSnapshot& s) { return s.state == JobState::kDone || s.state == JobState::kFailed || s.state == JobState::kCancelled; }


class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    clip_ = dir_ / "clip.mp4";
    const auto r = test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=6 -f lavfi -i sine=f=220:r=48000:d=6 "
                             "-c:v libx264 -preset ultrafast -c:a aac " + quote(clip_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  test::TempDir dir_;
  std::filesystem::path clip_;
  Recorder recorder_;
};

TEST_F(Jobs, ScoresAFileOnTheWorkerWithStagesInOrder) {
  JobRunner runner(std::make_shared<LocalBackend>(), std::ref(recorder_));
  JobRequest req;
  req.input = clip_;
  req.prompt = "calm piano";
  req.seed = 1;
  const auto id = *runner.submit(req);
  const auto s = recorder_.wait_for(id, finished);
  ASSERT_EQ(s.state, JobState::kDone) << (s.error ? s.error->message : "");
  ASSERT_TRUE(s.result);
  EXPECT_EQ(s.result->output, dir_ / "clip-bgm.mp4");
  EXPECT_TRUE(s.result->has_video);
  EXPECT_NEAR(test::ffprobe_duration(s.result->output), 6.0, 0.05);
  ASSERT_FALSE(s.transcript.empty());
  EXPECT_EQ(s.transcript.front().id, "Understood");
  EXPECT_EQ(s.transcript.front().text.rfind("Understood: Style: ", 0), 0u) << s.transcript.front().text;
  ASSERT_EQ(s.transcript.front().args.size(), 6u);
  EXPECT_EQ(s.transcript.front().args[0].rfind("@Style.", 0), 0u) << "a word the dock translates";
  EXPECT_EQ(s.transcript.back().id, "WroteCopied");
  EXPECT_EQ(s.transcript.back().args, std::vector<std::string>{"clip-bgm.mp4"});
  // The stages come in the pipeline's order.
  const auto stages = recorder_.stages();
  auto pos = [&](Stage st) { return std::find(stages.begin(), stages.end(), st) - stages.begin(); };
  EXPECT_LT(pos(Stage::kAnalysing), pos(Stage::kComposing));
  EXPECT_LT(pos(Stage::kComposing), pos(Stage::kRendering));
  EXPECT_LT(pos(Stage::kRendering), pos(Stage::kMixing));
  EXPECT_LT(pos(Stage::kMixing), pos(Stage::kExporting));
  EXPECT_LT(pos(Stage::kExporting), static_cast<long>(stages.size()));
  // "Understood: ..." is said before the music is rendered, not after.
  ASSERT_TRUE(recorder_.first_line_stage());
  EXPECT_LT(pos(*recorder_.first_line_stage()), pos(Stage::kRendering)) << stage_id(*recorder_.first_line_stage());

  // The same file again: a new name, the first result untouched.
  const auto first = test::read_file(s.result->output);
  const auto again = recorder_.wait_for(*runner.submit(req), finished);
  ASSERT_EQ(again.state, JobState::kDone);
  EXPECT_EQ(again.result->output, dir_ / "clip-bgm-2.mp4");
  EXPECT_EQ(test::read_file(s.result->output), first);
}

TEST_F(Jobs, AudioTrackOnlyAndTextAlone) {
  JobRunner runner(std::make_shared<LocalBackend>(), std::ref(recorder_));
  JobRequest track;
  track.input = clip_;
  track.output = JobOutput::kAudioTrack;
  track.seed = 2;
  const auto a = recorder_.wait_for(*runner.submit(track), finished);
  ASSERT_EQ(a.state, JobState::kDone) << (a.error ? a.error->message : "");
  EXPECT_EQ(a.result->output.extension(), ".m4a");
  EXPECT_FALSE(a.result->has_video);
  EXPECT_EQ(test::run("ffprobe -v error -select_streams v -show_entries stream=index -of csv=p=0 " + quote(a.result->output)).out, "");
  EXPECT_NEAR(test::ffprobe_duration(a.result->output), 6.0, 0.05);

  JobRequest text;
  text.prompt = "upbeat synthwave, 8 seconds";
  text.output_dir = dir_.path();
  text.seed = 3;
  const auto t = recorder_.wait_for(*runner.submit(text), finished);
  ASSERT_EQ(t.state, JobState::kDone) << (t.error ? t.error->message : "");
  EXPECT_NEAR(test::ffprobe_duration(t.result->output), 8.0, 0.05) << "the prompt's length wins";
  EXPECT_EQ(t.result->output.parent_path(), dir_.path());

  JobRequest nowhere;
  nowhere.prompt = "jazz";
  const auto n = recorder_.wait_for(*runner.submit(nowhere), finished);
  EXPECT_EQ(n.state, JobState::kFailed);
  EXPECT_NE(n.error->message.find("output folder"), std::string::npos);
}

TEST_F(Jobs, CancelStopsWithinASecondAndLeavesNothing) {
  JobRunner runner(std::make_shared<LocalBackend>(), std::ref(recorder_));
  JobRequest text;
  text.prompt = "epic orchestral";
  text.text_duration_s = 600;  // long enough to be still rendering
  text.output_dir = dir_ / "out";
  std::filesystem::create_directories(text.output_dir);
  const auto id = *runner.submit(text);
  const auto waiting = *runner.submit(text);  // queued behind it
  recorder_.wait_for(id, [](const JobSnapshot& s) { return s.stage == Stage::kRendering && s.fraction > 0; });
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_TRUE(runner.cancel(waiting));
  EXPECT_TRUE(runner.cancel(id));
  const auto s = recorder_.wait_for(id, finished);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
  EXPECT_EQ(s.state, JobState::kCancelled);
  EXPECT_LT(took, 1.0);
  EXPECT_EQ(runner.get(waiting)->state, JobState::kCancelled);
  EXPECT_TRUE(std::filesystem::is_empty(text.output_dir)) << "no partial or temporary file";
  EXPECT_FALSE(runner.cancel(id)) << "a finished job cannot be cancelled again";
}

TEST_F(Jobs, ShuttingDownCancelsTheRunningJob) {
  auto runner = std::make_unique<JobRunner>(std::make_shared<LocalBackend>(), std::ref(recorder_));
  JobRequest text;
  text.prompt = "lo-fi";
  text.text_duration_s = 600;
  text.output_dir = dir_ / "quit";
  std::filesystem::create_directories(text.output_dir);
  const auto id = *runner->submit(text);
  recorder_.wait_for(id, [](const JobSnapshot& s) { return s.stage == Stage::kRendering; });
  const auto asked = std::chrono::steady_clock::now();
  runner.reset();  // OBS quitting
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count(), 1.0);
  EXPECT_EQ(recorder_.wait_for(id, finished, 1s).state, JobState::kCancelled);
  EXPECT_TRUE(std::filesystem::is_empty(text.output_dir));
}

TEST(SerialWorkerTest, RunsTasksInOrderOffTheCallerAndFinishesThemBeforeStopping) {
  std::vector<int> done;
  std::thread::id ran_on;
  {
    SerialWorker worker;
    for (int i = 0; i < 5; ++i) {
      worker.post([&, i] {
        std::this_thread::sleep_for(10ms);
        done.push_back(i);
        ran_on = std::this_thread::get_id();
      });
    }
  }  // the destructor runs what was posted
  EXPECT_EQ(done, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(ResultStoreTest, KeepsResultsAcrossRestartsAndSurvivesDamage) {
  test::TempDir dir;
  const auto file = dir / "config" / "results.json";
  {
    ResultStore store(file);
    EXPECT_EQ(store.load(), "");
    store.add({"/rec/a-bgm.mp4", "/rec/a.mkv", "lofi", "Lo-fi", "calm", 12.5, true, 1700000000});
    ASSERT_TRUE(store.save());
    store.add({"/music/AI Music - Pop.m4a", "", "pop", "Pop", "", 60, false, 1700000100});
    ASSERT_TRUE(ResultStore::write(file, store.results())) << "a copy written from any thread";
  }
  ResultStore again(file);
  EXPECT_EQ(again.load(), "");
  ASSERT_EQ(again.results().size(), 2u);
  EXPECT_EQ(again.results()[0].style_name, "Pop") << "newest first";
  EXPECT_EQ(again.results()[0].style_id, "pop");
  EXPECT_EQ(again.results()[1].output, "/rec/a-bgm.mp4");
  EXPECT_DOUBLE_EQ(again.results()[1].duration_s, 12.5);
  EXPECT_TRUE(again.results()[1].has_video);
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  { std::ofstream(file) << "{ not json"; }
  ResultStore damaged(file);
  EXPECT_NE(damaged.load().find("set aside"), std::string::npos);
  EXPECT_TRUE(damaged.results().empty());
  EXPECT_TRUE(std::filesystem::exists(file.string() + ".bad")) << "the damaged file is kept for the user";
}

}  // namespace
}  // namespace bgm
