#include "bgm-controller.h"

#include <obs-frontend-api.h>
#include <obs-module.h>

#include <ctime>

#include "backend/backend_switch.h"
#include "backend/cloud_backend.h"
#include "backend/local_backend.h"
#include "media/recording_files.h"
#include "settings-keys.h"
#include "spec/prompt_parser.h"

BgmController &BgmController::get()
{
	static BgmController controller;
	return controller;
}

void BgmController::start(const std::string &config_dir)
{
	std::lock_guard lock(mutex_);
	config_dir_ = config_dir;
	std::string note;
	settings_ = load_plugin_settings(config_dir + "/settings.json", note);
	if (!note.empty())
		blog(LOG_WARNING, "[obs-bgm] %s", note.c_str());
	results_ = std::make_unique<bgm::ResultStore>(config_dir + "/results.json");
	note = results_->load();
	if (!note.empty())
		blog(LOG_WARNING, "[obs-bgm] %s", note.c_str());
	io_ = std::make_unique<bgm::SerialWorker>(
		[](const std::string &what) { blog(LOG_ERROR, "[obs-bgm] a background task failed: %s", what.c_str()); });
	backend_ = std::make_shared<bgm::BackendSwitch>();
	backend_->set(make_backend(settings_));
	blog(LOG_INFO, "[obs-bgm] Backend: %s", settings_.backend.c_str());
	runner_ = std::make_shared<bgm::JobRunner>(backend_,
						   [this](const bgm::JobSnapshot &s) { on_job(s); });
	deliver_pending_locked();
}

std::shared_ptr<bgm::Backend> BgmController::make_backend(const PluginSettings &s) const
{
	namespace keys = obs_bgm_keys;
	if (s.backend == keys::kBackendLocal) {
		/* Results' sessions live beside the settings, so a result can be refined after a restart. */
		bgm::LocalOptions local;
		local.sessions_dir = config_dir_ + "/sessions";
		return std::make_shared<bgm::LocalBackend>(local);
	}
	bgm::NemoConfig config;
	config.token = s.nemo_token;
	config.state_dir = config_dir_; /* the client id, a free token, exports in progress: owner-only files */
	if (s.backend == keys::kBackendServer) {
		config.api_base = s.server_url;
		config.name = "Render server";
	}
	return std::make_shared<bgm::CloudBackend>(config);
}

void BgmController::deliver_pending_locked()
{
	/* Exports that quitting OBS interrupted are fetched on their own thread (they may still be rendering). */
	if (delivery_.joinable())
		return;
	delivery_ = std::thread([this, backend = backend_->current(), cancel = delivery_cancel_] {
		auto delivered = backend->deliver_pending({}, cancel.get());
		if (!delivered) {
			if (delivered.error().code != bgm::ErrorCode::kCancelled)
				blog(LOG_WARNING, "[obs-bgm] An earlier export could not be delivered: %s",
				     delivered.error().message.c_str());
			return;
		}
		for (const auto &r : *delivered) {
			blog(LOG_INFO, "[obs-bgm] Delivered an earlier export: %s", r.output.filename().c_str());
			keep_result(r, {});
		}
	});
}

void BgmController::stop()
{
	/* The runner first (outside the lock: the worker's last update takes it, and may post the results list), then
	 * the writer, which finishes what was posted (an analysis, the results list) before it is joined. */
	if (auto r = runner())
		r->shutdown();
	delivery_cancel_->request_cancel();
	if (delivery_.joinable())
		delivery_.join();
	std::shared_ptr<bgm::JobRunner> runner;
	std::unique_ptr<bgm::SerialWorker> io;
	{
		std::lock_guard lock(mutex_);
		runner = std::move(runner_);
		io = std::move(io_);
	}
	io.reset();
}

PluginSettings BgmController::settings() const
{
	std::lock_guard lock(mutex_);
	return settings_;
}

void BgmController::set_settings(const PluginSettings &settings)
{
	std::lock_guard lock(mutex_);
	const bool switch_backend = backend_ && backend_settings_differ(settings_, settings);
	settings_ = settings;
	if (switch_backend) {
		backend_->set(make_backend(settings_)); /* a job that runs finishes on the backend it started on */
		blog(LOG_INFO, "[obs-bgm] Backend: %s", settings_.backend.c_str());
	}
	if (config_dir_.empty() || !io_ || settings_write_pending_)
		return; /* a write already waiting takes the newest settings */
	/* Written on the worker: a slow home folder never makes the dock wait. */
	settings_write_pending_ = true;
	io_->post([this, file = config_dir_ + "/settings.json"] {
		PluginSettings newest;
		{
			std::lock_guard lock(mutex_);
			newest = settings_;
			settings_write_pending_ = false;
		}
		if (!save_plugin_settings(newest, file))
			blog(LOG_WARNING, "[obs-bgm] Could not save the settings in %s", file.c_str());
	});
}

void BgmController::set_last_recording(const std::string &path, double seconds)
{
	std::lock_guard lock(mutex_);
	last_recording_ = path;
	last_recording_seconds_ = seconds;
}

double BgmController::last_recording_seconds() const
{
	std::lock_guard lock(mutex_);
	return last_recording_seconds_;
}

void BgmController::set_last_replay(const std::string &path)
{
	std::lock_guard lock(mutex_);
	last_replay_ = path;
}

std::optional<std::filesystem::path> BgmController::last_recording() const
{
	std::lock_guard lock(mutex_);
	return last_recording_;
}

std::vector<std::filesystem::path> BgmController::recent_recordings(size_t n) const
{
	std::filesystem::path folder;
	if (const auto last = last_recording())
		folder = last->parent_path();
	if (folder.empty()) {
		char *path = obs_frontend_get_current_record_output_path();
		if (path)
			folder = path;
		bfree(path);
	}
	return folder.empty() ? std::vector<std::filesystem::path>{} : bgm::newest_recordings(folder, n);
}

std::optional<std::filesystem::path> BgmController::last_replay() const
{
	std::lock_guard lock(mutex_);
	return last_replay_;
}

bgm::JobRequest BgmController::make_request(const std::optional<std::filesystem::path> &input, const std::string &prompt,
					    const std::string &style) const
{
	const PluginSettings s = settings();
	bgm::JobRequest req;
	req.input = input;
	req.prompt = prompt;
	req.style = style.empty() ? s.default_style : style;
	req.music_volume = s.music_volume;
	req.duck = s.duck;
	req.output = s.video_output ? bgm::JobOutput::kVideoWithMusic : bgm::JobOutput::kAudioTrack;
	req.soundfont = s.soundfont;
	if (!s.output_dir.empty())
		req.output_dir = s.output_dir;
	else if (!input)
		req.output_dir = std::filesystem::path(getenv("HOME") ? getenv("HOME") : ".") / "Music";
	if (!input) {
		std::error_code ec;
		std::filesystem::create_directories(req.output_dir, ec);
	}
	return req;
}

bgm::JobRequest BgmController::make_session_request(const std::string &session_id, const std::string &message,
						    bool export_only, const std::filesystem::path &beside) const
{
	const PluginSettings s = settings();
	bgm::JobRequest req;
	req.session_id = session_id;
	req.prompt = message;
	req.export_only = export_only;
	req.soundfont = s.soundfont;
	/* The output folder of the settings, else where the version it refines was written */
	req.output_dir = s.output_dir.empty() ? beside : std::filesystem::path(s.output_dir);
	return req;
}

std::shared_ptr<bgm::JobRunner> BgmController::runner() const
{
	std::lock_guard lock(mutex_);
	return runner_;
}

bgm::Result<std::uint64_t> BgmController::submit(bgm::JobRequest request)
{
	if (auto ok = bgm::check_prompt_length(request.prompt); !ok)
		return ok.error();
	auto r = runner();
	if (!r)
		return bgm::make_error(bgm::ErrorCode::kCancelled, "obs-bgm is shutting down.");
	return r->submit(std::move(request));
}

std::vector<std::pair<std::filesystem::path, bgm::Result<std::uint64_t>>>
BgmController::submit_batch(const std::vector<std::filesystem::path> &inputs, const std::string &prompt, const std::string &style)
{
	std::vector<std::pair<std::filesystem::path, bgm::Result<std::uint64_t>>> out;
	for (const auto &input : inputs)
		out.emplace_back(input, submit(make_request(input, prompt, style)));
	return out;
}

bool BgmController::is_result(const std::filesystem::path &path) const
{
	if (path.empty())
		return false;
	for (const auto &r : results())
		if (r.output == path)
			return true;
	if (auto r = runner())
		for (const auto &job : r->list())
			if (job.result && job.result->output == path)
				return true;
	return false;
}

bool BgmController::cancel(std::uint64_t id)
{
	auto r = runner();
	return r && r->cancel(id);
}

std::optional<bgm::JobSnapshot> BgmController::job(std::uint64_t id) const
{
	auto r = runner();
	return r ? r->get(id) : std::nullopt;
}

std::vector<bgm::JobSnapshot> BgmController::jobs() const
{
	auto r = runner();
	return r ? r->list() : std::vector<bgm::JobSnapshot>{};
}

std::vector<bgm::SavedResult> BgmController::results() const
{
	std::lock_guard lock(mutex_);
	return results_ ? results_->results() : std::vector<bgm::SavedResult>{};
}

void BgmController::post(std::function<void()> task)
{
	std::lock_guard lock(mutex_);
	if (io_)
		io_->post(std::move(task));
}

void BgmController::check_status(std::function<void(const bgm::Result<bgm::BackendStatus> &)> done)
{
	const bgm::JobRequest typical = make_request(std::nullopt, "", "");
	std::lock_guard lock(mutex_);
	if (!io_ || !backend_)
		return;
	io_->post([backend = backend_, typical, done = std::move(done)] { done(backend->status(typical, nullptr)); });
}

void BgmController::set_job_listener(JobListener listener)
{
	std::lock_guard lock(mutex_);
	listener_ = std::move(listener);
}

void BgmController::on_job(const bgm::JobSnapshot &s)
{
	JobListener listener;
	{
		std::lock_guard lock(mutex_);
		if (s.state == bgm::JobState::kDone && s.result)
			keep_result_locked(*s.result, s.request);
		const bool ended = s.state == bgm::JobState::kDone || s.state == bgm::JobState::kFailed;
		for (const auto &line : ended ? s.transcript : std::vector<bgm::TranscriptLine>{})
			blog(LOG_INFO, "[obs-bgm] job %llu: %s", static_cast<unsigned long long>(s.id), line.text.c_str());
		if (s.state == bgm::JobState::kFailed && s.error)
			blog(LOG_WARNING, "[obs-bgm] job %llu failed: %s", static_cast<unsigned long long>(s.id),
			     s.error->message.c_str());
		listener = listener_;
	}
	if (listener)
		listener(s);
}

void BgmController::keep_result(const bgm::JobResult &result, const bgm::JobRequest &request)
{
	std::lock_guard lock(mutex_);
	keep_result_locked(result, request);
}

void BgmController::keep_result_locked(const bgm::JobResult &result, const bgm::JobRequest &request)
{
	if (results_) {
		bgm::SavedResult saved{result.output,
				       request.input.value_or(std::filesystem::path{}),
				       result.style_id,
				       result.style_name,
				       request.prompt,
				       result.duration_s,
				       result.has_video,
				       static_cast<std::int64_t>(std::time(nullptr)),
				       result.session_id,
				       result.summary};
		results_->add(saved);
		/* One write waiting at a time, of the newest list: a burst of results (each write is flushed to
		 * disk) never queues a write per result. */
		if (io_ && !results_write_pending_) {
			results_write_pending_ = true;
			io_->post([this] {
				std::vector<bgm::SavedResult> newest;
				std::filesystem::path file;
				{
					std::lock_guard lock(mutex_);
					results_write_pending_ = false;
					if (!results_)
						return;
					newest = results_->results();
					file = results_->file();
				}
				if (auto ok = bgm::ResultStore::write(file, newest); !ok)
					blog(LOG_WARNING, "[obs-bgm] %s", ok.error().message.c_str());
			});
		}
	}
}
