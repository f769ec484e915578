#pragma once
/* The plugin's state and the one place that starts work: settings, the last recording and replay, the job runner
 * (the local engine behind the Backend interface), the results kept across restarts, and the analysis the filter
 * gathers while recording. The dock, the frontend events, the hotkey and the obs-websocket requests all go
 * through it.
 * Thread: every function may be called from any thread (a mutex guards the state); job updates are delivered to
 * the listener on the runner's worker thread. */

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analysis/live_analysis.h"
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
	std::optional<std::filesystem::path> last_replay() const;

	/* A job with the current settings: `input` empty means text alone. */
	bgm::JobRequest make_request(const std::optional<std::filesystem::path> &input, const std::string &prompt,
				     const std::string &style) const;
	/* 0 when the worker is not running. */
	std::uint64_t submit(bgm::JobRequest request);
	bool cancel(std::uint64_t id);
	std::optional<bgm::JobSnapshot> job(std::uint64_t id) const;
	std::vector<bgm::SavedResult> results() const;

	void set_job_listener(JobListener listener);
	/* Runs small tasks (writing the live analysis) off the calling thread, in order. */
	void post(std::function<void()> task);
	bgm::LiveAnalysis &live_analysis() { return live_; }

private:
	BgmController() = default;
	void on_job(const bgm::JobSnapshot &snapshot);

	mutable std::mutex mutex_;
	std::string config_dir_;
	PluginSettings settings_;
	std::optional<std::filesystem::path> last_recording_, last_replay_;
	double last_recording_seconds_ = 0;
	std::unique_ptr<bgm::ResultStore> results_;
	std::shared_ptr<bgm::JobRunner> runner_; /* shared: called outside the lock (its listener takes it) */
	std::shared_ptr<bgm::JobRunner> runner() const;
	JobListener listener_;
	bgm::LiveAnalysis live_;
	std::unique_ptr<bgm::SerialWorker> io_; /* joined in stop() */
};
