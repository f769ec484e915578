#include "websocket-vendor.h"

#include <callback/calldata.h>
#include <callback/proc.h>
#include <obs-module.h>

#include <cstdint>
#include <string>

#include "bgm-controller.h"
#include "bgm-dock.h"
#include "guarded-call.h"
#include "live-source.h"
#include "media-import.h"
#include "result-preview.h"
#include "settings-keys.h"

namespace keys = obs_bgm_keys;

namespace {

/* The shapes obs-websocket 5 expects (its public API header, re-declared). */
typedef void (*request_cb)(obs_data_t *request, obs_data_t *response, void *priv);
struct request_callback {
	request_cb callback;
	void *priv_data;
};

proc_handler_t *websocket_ph()
{
	calldata_t cd = {};
	proc_handler_call(obs_get_proc_handler(), "obs_websocket_api_get_ph", &cd);
	auto *ph = static_cast<proc_handler_t *>(calldata_ptr(&cd, "ph"));
	calldata_free(&cd);
	return ph;
}

void fail(obs_data_t *response, const std::string &message)
{
	obs_data_set_bool(response, "success", false);
	obs_data_set_string(response, "error", message.c_str());
}

/* The vendor and its requests, for unregistering at exit. */
void *g_vendor = nullptr;
const char *const kRequests[] = {keys::kReqScoreLastRecording, keys::kReqGetJob, keys::kReqListResults,
				 keys::kReqAddResultToScene, keys::kReqListJobs, keys::kReqRefineResult,
				 keys::kReqExportSession, keys::kReqScoreFiles, keys::kReqLiveStart, keys::kReqLiveStop, keys::kReqLiveSetMood,
				 keys::kReqLiveStatus, keys::kReqPreviewResult, keys::kReqShowDock};

void score_last_recording(obs_data_t *request, obs_data_t *response, void *)
{
	auto &c = BgmController::get();
	const auto recording = c.last_recording();
	if (!recording) {
		fail(response, "There is no recording yet: record something first.");
		return;
	}
	/* submit() refuses an over-long prompt with the message the client gets. */
	const auto id = c.submit(c.make_request(*recording, obs_data_get_string(request, keys::kFieldPrompt),
						obs_data_get_string(request, keys::kFieldStyle)));
	if (!id) {
		fail(response, id.error().message);
		return;
	}
	obs_data_set_bool(response, "success", true);
	obs_data_set_int(response, keys::kFieldJobId, static_cast<long long>(*id));
	obs_data_set_string(response, "input", recording->string().c_str());
}

/* Several recordings queued, as the dock's file list or "the last N recordings": each gets its own job (one
 * runs at a time); a refused one says why, by name. */
void score_files(obs_data_t *request, obs_data_t *response, void *)
{
	std::vector<std::filesystem::path> inputs;
	obs_data_array_t *files = obs_data_get_array(request, keys::kFieldFiles);
	for (size_t i = 0; files && i < obs_data_array_count(files); ++i) {
		obs_data_t *item = obs_data_array_item(files, i);
		inputs.emplace_back(obs_data_get_string(item, keys::kFieldPath));
		obs_data_release(item);
	}
	obs_data_array_release(files);
	const long long last = obs_data_get_int(request, keys::kFieldLastRecordings);
	if (last > 0)
		inputs = BgmController::get().recent_recordings(static_cast<size_t>(std::min(last, 32LL)));
	if (inputs.empty()) {
		fail(response, "Give files: [{\"path\": ...}] or lastRecordings: N (no recording was found).");
		return;
	}
	obs_data_array_t *jobs = obs_data_array_create();
	for (const auto &[input, id] : BgmController::get().submit_batch(inputs, obs_data_get_string(request, keys::kFieldPrompt),
									  obs_data_get_string(request, keys::kFieldStyle))) {
		obs_data_t *item = obs_data_create();
		obs_data_set_string(item, keys::kFieldPath, input.string().c_str());
		if (id)
			obs_data_set_int(item, keys::kFieldJobId, static_cast<long long>(*id));
		else
			obs_data_set_string(item, "error", id.error().message.c_str());
		obs_data_array_push_back(jobs, item);
		obs_data_release(item);
	}
	obs_data_set_array(response, keys::kFieldJobs, jobs);
	obs_data_array_release(jobs);
	obs_data_set_bool(response, "success", true);
}

/* A follow-up ("music at 20%") or an export in a result's session: a new version, written beside the one it
 * refines (or to the settings' output folder). */
void session_job(obs_data_t *request, obs_data_t *response, bool export_only)
{
	auto &c = BgmController::get();
	const std::string session = obs_data_get_string(request, keys::kFieldSessionId);
	const std::string message = obs_data_get_string(request, keys::kFieldMessage);
	if (session.empty() || (!export_only && message.empty())) {
		fail(response, export_only ? "Give the sessionId of a result (ListResults or GetJob has it)."
					   : "Give the sessionId of a result and the message, e.g. \"make it calmer\".");
		return;
	}
	std::filesystem::path beside;
	for (const auto &r : c.results())
		if (r.session_id == session) {
			beside = r.output.parent_path();
			break;
		}
	bgm::JobRequest req = c.make_session_request(session, message, export_only, beside);
	req.export_preset = obs_data_get_string(request, keys::kFieldPreset);
	req.export_reframe = obs_data_get_string(request, keys::kFieldReframe);
	const auto id = c.submit(std::move(req));
	if (!id) {
		fail(response, id.error().message);
		return;
	}
	obs_data_set_bool(response, "success", true);
	obs_data_set_int(response, keys::kFieldJobId, static_cast<long long>(*id));
}

void refine_result(obs_data_t *request, obs_data_t *response, void *)
{
	session_job(request, response, false);
}

void export_session(obs_data_t *request, obs_data_t *response, void *)
{
	session_job(request, response, true);
}

void get_job(obs_data_t *request, obs_data_t *response, void *)
{
	const auto job = BgmController::get().job(static_cast<std::uint64_t>(obs_data_get_int(request, keys::kFieldJobId)));
	if (!job) {
		fail(response, "No such job.");
		return;
	}
	obs_data_set_bool(response, "success", true);
	obs_data_set_string(response, "state", bgm::job_state_id(job->state));
	obs_data_set_string(response, "stage", std::string(bgm::stage_id(job->stage)).c_str());
	obs_data_set_double(response, "progress", job->fraction);
	if (job->result) {
		obs_data_set_string(response, "outputPath", job->result->output.c_str());
		obs_data_set_string(response, "style", job->result->style_name.c_str());
		obs_data_set_double(response, "durationSeconds", job->result->duration_s);
		obs_data_set_string(response, keys::kFieldSessionId, job->result->session_id.c_str());
		obs_data_set_string(response, keys::kFieldSummary, job->result->summary.c_str());
	}
	if (!job->transcript.empty())
		obs_data_set_string(response, "lastLine", job->transcript.back().text.c_str());
	if (job->error) {
		obs_data_set_string(response, "error", job->error->message.c_str());
		/* Where the user can act: the registration page after the free credits, a top-up page */
		if (!job->error->action_url.empty())
			obs_data_set_string(response, obs_bgm_keys::kFieldActionUrl, job->error->action_url.c_str());
	}
}

void list_jobs(obs_data_t *, obs_data_t *response, void *)
{
	obs_data_array_t *list = obs_data_array_create();
	for (const auto &job : BgmController::get().jobs()) {
		obs_data_t *item = obs_data_create();
		obs_data_set_int(item, keys::kFieldJobId, static_cast<long long>(job.id));
		obs_data_set_string(item, "state", bgm::job_state_id(job.state));
		obs_data_set_string(item, "stage", std::string(bgm::stage_id(job.stage)).c_str());
		obs_data_set_double(item, "progress", job.fraction);
		obs_data_set_string(item, "input", job.request.input ? job.request.input->c_str() : "");
		obs_data_array_push_back(list, item);
		obs_data_release(item);
	}
	obs_data_set_array(response, "jobs", list);
	obs_data_array_release(list);
	obs_data_set_int(response, "maxQueued", static_cast<long long>(bgm::JobRunner::kMaxQueued));
	obs_data_set_bool(response, "success", true);
}

void list_results(obs_data_t *, obs_data_t *response, void *)
{
	obs_data_array_t *list = obs_data_array_create();
	for (const auto &r : BgmController::get().results()) {
		obs_data_t *item = obs_data_create();
		obs_data_set_string(item, "outputPath", r.output.c_str());
		obs_data_set_string(item, "sourcePath", r.source.c_str());
		obs_data_set_string(item, "style", r.style_name.c_str());
		obs_data_set_double(item, "durationSeconds", r.duration_s);
		obs_data_set_bool(item, "hasVideo", r.has_video);
		obs_data_set_string(item, keys::kFieldSessionId, r.session_id.c_str());
		obs_data_set_string(item, keys::kFieldSummary, r.summary.c_str());
		obs_data_array_push_back(list, item);
		obs_data_release(item);
	}
	obs_data_set_array(response, "results", list);
	obs_data_array_release(list);
	obs_data_set_bool(response, "success", true);
}

void add_result_to_scene(obs_data_t *request, obs_data_t *response, void *)
{
	auto &c = BgmController::get();
	std::string path = obs_data_get_string(request, keys::kFieldPath);
	std::string style;
	if (path.empty() && obs_data_has_user_value(request, keys::kFieldJobId)) {
		const auto job = c.job(static_cast<std::uint64_t>(obs_data_get_int(request, keys::kFieldJobId)));
		if (job && job->result)
			path = job->result->output.string(), style = job->result->style_name;
	}
	if (path.empty()) {
		const auto results = c.results();
		if (!results.empty())
			path = results.front().output.string(), style = results.front().style_name;
	}
	for (const auto &r : c.results())
		if (style.empty() && r.output == path)
			style = r.style_name;
	if (path.empty()) {
		fail(response, "There is no result yet: score a recording first.");
		return;
	}
	if (!c.is_result(path)) {
		fail(response, "That path is not an obs-bgm result. Give one from ListResults or a job's outputPath.");
		return;
	}
	/* Here, on the request's thread: waiting for the UI thread would stall OBS's graphics thread in a SerialFrame
	 * batch, and hang OBS's exit (obs-websocket waits for its requests after Qt's event loop has ended). */
	const std::string title = std::string(obs_module_text("ObsBgm.Source.Prefix")) + (style.empty() ? "" : " - " + style);
	const std::string name = add_media_source_to_current_scene(path, title);
	if (name.empty()) {
		fail(response, "Could not add the result to the current scene.");
		return;
	}
	obs_data_set_bool(response, "success", true);
	obs_data_set_string(response, "sourceName", name.c_str());
	obs_data_set_string(response, "outputPath", path.c_str());
}

/* Plays a result through OBS's monitoring, or stops it: {path?, play} -> {playing}. Without a path, the newest. */
void preview_result(obs_data_t *request, obs_data_t *response, void *)
{
	auto &c = BgmController::get();
	ResultPreview &preview = ResultPreview::get();
	const bool play = !obs_data_has_user_value(request, keys::kFieldPlay) || obs_data_get_bool(request, keys::kFieldPlay);
	if (!play) {
		preview.stop();
	} else {
		std::string path = obs_data_get_string(request, keys::kFieldPath);
		if (path.empty()) {
			const auto results = c.results();
			if (results.empty()) {
				fail(response, "There is no result yet: score a recording first.");
				return;
			}
			path = results.front().output.string();
		}
		if (!c.is_result(path)) {
			fail(response, "That path is not an obs-bgm result. Give one from ListResults or a job's outputPath.");
			return;
		}
		if (!preview.play(path)) {
			fail(response, "OBS could not open a media source for the preview.");
			return;
		}
	}
	obs_data_set_bool(response, "success", true);
	obs_data_set_string(response, keys::kFieldPlaying, preview.playing().c_str());
}

/* Shows the dock on a tab: {tab: "score" | "results" | "live" | "settings"}. Queued to the UI thread, not waited for. */
void show_dock(obs_data_t *request, obs_data_t *response, void *)
{
	const std::string tab = obs_data_get_string(request, keys::kFieldTab);
	if (!show_obs_bgm_dock(tab.empty() ? "score" : tab)) {
		fail(response, "Unknown tab '" + tab + "': use score, results, live or settings.");
		return;
	}
	obs_data_set_bool(response, "success", true);
}

/* Every request through here: an exception never reaches obs-websocket's thread (or OBS's graphics thread in a
 * SerialFrame batch); the client gets an answer saying what happened. */
template<request_cb Body> void guarded_request(obs_data_t *request, obs_data_t *response, void *priv)
{
	const bool answered = guarded_call("an obs-websocket request", false, [&] {
		Body(request, response, priv);
		return true;
	});
	if (!answered)
		fail(response, "obs-bgm could not answer this request (an internal error; OBS's log has the details).");
}

/* The live music: start, stop, a mood for every live source, and what they play. */
void live_start(obs_data_t *, obs_data_t *response, void *)
{
	if (live_start_all() == 0) {
		fail(response, obs_module_text("ObsBgm.Live.NoSource"));
		return;
	}
	obs_data_set_bool(response, "success", true);
}

void live_stop(obs_data_t *, obs_data_t *response, void *)
{
	if (live_stop_all() == 0) {
		fail(response, obs_module_text("ObsBgm.Live.NoSource"));
		return;
	}
	obs_data_set_bool(response, "success", true);
}

void live_set_mood(obs_data_t *request, obs_data_t *response, void *)
{
	std::string prompt = obs_data_get_string(request, keys::kFieldMood);
	if (prompt.empty())
		prompt = obs_data_get_string(request, keys::kFieldPrompt);
	if (prompt.empty()) {
		fail(response, "Give the mood, e.g. {\"mood\": \"calm lo-fi\"}.");
		return;
	}
	if (const std::string error = live_set_mood_all(prompt); !error.empty()) {
		fail(response, error);
		return;
	}
	obs_data_set_bool(response, "success", true);
}

void live_status(obs_data_t *, obs_data_t *response, void *)
{
	obs_data_array_t *list = obs_data_array_create();
	for (const live_source_status &s : live_status_all()) {
		obs_data_t *item = obs_data_create();
		obs_data_set_string(item, "name", s.name.c_str());
		obs_data_set_bool(item, "playing", s.playing);
		obs_data_set_bool(item, "ready", s.ready);
		obs_data_set_string(item, "style", s.style.c_str());
		obs_data_set_string(item, "mood", s.mood.c_str());
		obs_data_set_string(item, "key", s.key.c_str());
		obs_data_set_string(item, keys::kFieldPrompt, s.prompt.c_str());
		obs_data_set_double(item, "tempoBpm", s.tempo_bpm);
		obs_data_set_double(item, "seconds", s.seconds);
		obs_data_set_bool(item, "voice", s.voice);
		obs_data_set_string(item, "error", s.error.c_str());
		obs_data_array_push_back(list, item);
		obs_data_release(item);
	}
	obs_data_set_bool(response, "success", true);
	obs_data_set_array(response, "sources", list);
	obs_data_array_release(list);
}

bool register_request(proc_handler_t *ph, void *vendor, const char *type, request_cb fn)
{
	request_callback cb = {fn, nullptr};
	calldata_t cd = {};
	calldata_set_ptr(&cd, "vendor", vendor);
	calldata_set_string(&cd, "type", type);
	calldata_set_ptr(&cd, "callback", &cb);
	proc_handler_call(ph, "vendor_request_register", &cd);
	const bool ok = calldata_bool(&cd, "success");
	calldata_free(&cd);
	return ok;
}

} // namespace

bool register_websocket_vendor(void)
{
	proc_handler_t *ph = websocket_ph();
	if (!ph) {
		blog(LOG_INFO, "[obs-bgm] obs-websocket is not loaded: no vendor requests.");
		return false;
	}
	calldata_t cd = {};
	calldata_set_string(&cd, "name", keys::kVendorName);
	proc_handler_call(ph, "vendor_register", &cd);
	void *vendor = calldata_ptr(&cd, "vendor");
	calldata_free(&cd);
	if (!vendor) {
		blog(LOG_WARNING, "[obs-bgm] obs-websocket refused the vendor name '%s'.", keys::kVendorName);
		return false;
	}
	g_vendor = vendor;
	const bool ok = register_request(ph, vendor, keys::kReqScoreLastRecording, guarded_request<score_last_recording>) &&
			register_request(ph, vendor, keys::kReqGetJob, guarded_request<get_job>) &&
			register_request(ph, vendor, keys::kReqListResults, guarded_request<list_results>) &&
			register_request(ph, vendor, keys::kReqAddResultToScene, guarded_request<add_result_to_scene>) &&
			register_request(ph, vendor, keys::kReqListJobs, guarded_request<list_jobs>) &&
			register_request(ph, vendor, keys::kReqRefineResult, guarded_request<refine_result>) &&
			register_request(ph, vendor, keys::kReqExportSession, guarded_request<export_session>) &&
			register_request(ph, vendor, keys::kReqScoreFiles, guarded_request<score_files>) &&
			register_request(ph, vendor, keys::kReqLiveStart, guarded_request<live_start>) &&
			register_request(ph, vendor, keys::kReqLiveStop, guarded_request<live_stop>) &&
			register_request(ph, vendor, keys::kReqLiveSetMood, guarded_request<live_set_mood>) &&
			register_request(ph, vendor, keys::kReqLiveStatus, guarded_request<live_status>) &&
			register_request(ph, vendor, keys::kReqPreviewResult, guarded_request<preview_result>) &&
			register_request(ph, vendor, keys::kReqShowDock, guarded_request<show_dock>);
	blog(ok ? LOG_INFO : LOG_WARNING, "[obs-bgm] obs-websocket vendor requests %s.", ok ? "registered" : "not all registered");
	return ok;
}

void unregister_websocket_vendor(void)
{
	proc_handler_t *ph = g_vendor ? websocket_ph() : nullptr;
	if (!ph)
		return;
	for (const char *type : kRequests) {
		calldata_t cd = {};
		calldata_set_ptr(&cd, "vendor", g_vendor);
		calldata_set_string(&cd, "type", type);
		proc_handler_call(ph, "vendor_request_unregister", &cd);
		calldata_free(&cd);
	}
	g_vendor = nullptr;
	blog(LOG_INFO, "[obs-bgm] obs-websocket vendor requests unregistered.");
}
