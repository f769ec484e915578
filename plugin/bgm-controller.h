#pragma once
/* The plugin's state and the one place that starts work: settings, the last recording and replay, the job runner
 * (the local engine behind the Backend interface), the results kept across restarts, and the analysis the filter
 * gathers while recording. The dock, the frontend events, the hotkey and the obs-websocket requests all go
 * through it.
 * Thread: every function may be called from any thread (a mutex guards the state; no disk I/O happens under it or
 * on the caller's thread: settings and results are written by the controller's own worker); job updates are
 * delivered to the listener on the runner's worker thread. */

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analysis/live_analysis.h"
#include "backend/backend_switch.h"
#include "analysis/recording_clock.h"
#include "jobs/job_runner.h"
#include "jobs/result_store.h"
#include "jobs/serial_worker.h"
#include "plugin-settings.h"

class BgmController {
public:
	using JobListener = std::function<void(const bgm::JobSnapshot &)>;

	static BgmController &get();

	/* Loads settings and results from the module's config folder and starts the worker. */
	void start(const std::string &config_dir);
	/* Cancels the running job cleanly and stops the worker (OBS is quitting). Finished results stay saved. */
	void stop();

	PluginSettings settings() const;
	void set_settings(const PluginSettings &settings);

	/* `seconds`: how long it ran (shown in the dock), 0 when unknown. */
	void set_last_recording(const std::string &path, double seconds = 0);
	double last_recording_seconds() const;
	void set_last_replay(const std::string &path);
	std::optional<std::filesystem::path> last_recording() const;
	/* The `n` newest recordings in OBS's recording folder (or the last recording's folder), newest first. */
	std::vector<std::filesystem::path> recent_recordings(size_t n) const;
	std::optional<std::filesystem::path> last_replay() const;

	/* A job with the current settings: `input` empty means text alone. */
	bgm::JobRequest make_request(const std::optional<std::filesystem::path> &input, const std::string &prompt,
				     const std::string &style) const;
	/* A follow-up in a result's session ("make it calmer"), or with export_only its timeline rendered as it is. The
	 * new version joins the results; the earlier ones stay. It is written to the settings' output folder, else to
	 * `beside` (the folder of the version it refines). */
	bgm::JobRequest make_session_request(const std::string &session_id, const std::string &message, bool export_only,
					     const std::filesystem::path &beside) const;
	/* The job's id (an earlier one's for a recording already queued or running). Errors: the prompt is too long,
	 * the queue is full, or obs-bgm is shutting down (the message says which). */
	bgm::Result<std::uint64_t> submit(bgm::JobRequest request);
	/* Several recordings with the same prompt and style, queued in order (the runner does one at a time); each
	 * input with its job's id or why it was refused. */
	std::vector<std::pair<std::filesystem::path, bgm::Result<std::uint64_t>>>
	submit_batch(const std::vector<std::filesystem::path> &inputs, const std::string &prompt, const std::string &style);
	bool cancel(std::uint64_t id);
	std::optional<bgm::JobSnapshot> job(std::uint64_t id) const;
	/* The jobs the runner still knows: queued, running and the most recent finished ones. */
	std::vector<bgm::JobSnapshot> jobs() const;
	std::vector<bgm::SavedResult> results() const;
	/* Whether `path` is one of ours: a kept result or the output of a job of this session. */
	bool is_result(const std::filesystem::path &path) const;

	/* Checks the backend with the current settings (its SoundFont) on the controller's worker, and hands the answer
	 * to `done` there: the dock shows it through a queued call. Run at start and after a settings change. */
	void check_status(std::function<void(const bgm::Result<bgm::BackendStatus> &)> done);
	void set_job_listener(JobListener listener);
	/* Runs small tasks (writing the live analysis) off the calling thread, in order. */
	void post(std::function<void()> task);
	bgm::LiveAnalysis &live_analysis() { return live_; }
	/* The time the current recording has run, pauses taken out (the filter's and the scene switches' clock). */
	bgm::RecordingClock &recording_clock() { return clock_; }

private:
	BgmController() = default;
	void on_job(const bgm::JobSnapshot &snapshot);
	/* The backend the settings choose: the local engine, the NemoVideo cloud, or a render server. */
	std::shared_ptr<bgm::Backend> make_backend(const PluginSettings &settings) const;
	void deliver_pending_locked();
	void keep_result(const bgm::JobResult &result, const bgm::JobRequest &request);
	void keep_result_locked(const bgm::JobResult &result, const bgm::JobRequest &request);

	mutable std::mutex mutex_;
	std::string config_dir_;
	PluginSettings settings_;
	std::optional<std::filesystem::path> last_recording_, last_replay_;
	double last_recording_seconds_ = 0;
	std::unique_ptr<bgm::ResultStore> results_;
	std::shared_ptr<bgm::BackendSwitch> backend_; /* the only one: jobs run on it, its status is checked here */
	std::thread delivery_;                        /* exports an earlier run left, fetched at start; joined in stop() */
	std::shared_ptr<bgm::CancelToken> delivery_cancel_ = std::make_shared<bgm::CancelToken>();
	std::shared_ptr<bgm::JobRunner> runner_; /* shared: called outside the lock (its listener takes it) */
	std::shared_ptr<bgm::JobRunner> runner() const;
	JobListener listener_;
	bgm::LiveAnalysis live_;
	bgm::RecordingClock clock_;
	std::unique_ptr<bgm::SerialWorker> io_; /* joined in stop() */
	bool settings_write_pending_ = false;   /* a write is posted and not yet started: it takes the newest state */
	bool results_write_pending_ = false;
};
