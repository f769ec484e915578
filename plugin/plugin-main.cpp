/* obs-bgm: the OBS module. Registers the analyzer filter, the "AI Music" dock, the hotkey, the frontend events
 * and (after every module has loaded) the obs-websocket vendor requests; everything else is in common/. */

#include <obs-frontend-api.h>
#include <obs-module.h>
#include <util/config-file.h>
#include <util/platform.h>

#include <QApplication>
#include <QByteArray>
#include <QDataStream>
#include <QDockWidget>
#include <QIODevice>
#include <QMainWindow>
#include <QPointer>

#include <filesystem>
#include <memory>

#include "analyzer-filter.h"
#include "backend/local_backend.h"
#include "bgm-controller.h"
#include "bgm-dock.h"
#include "result-preview.h"
#include "guarded-call.h"
#include "live-source.h"
#include "websocket-vendor.h"

OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("obs-bgm", "en-US")

MODULE_EXPORT const char *obs_module_description(void)
{
	return "AI background music for recordings, composed offline.";
}

namespace {

QPointer<BgmDock> g_dock;           /* cleared by Qt when the main window deletes the dock */
QPointer<QDockWidget> g_dock_frame; /* the dock around it: OBS's own on OBS 30+, ours on OBS 29 */

/* Whether OBS's saved window layout (DockState: global.ini up to OBS 30, user.ini from 31) has a place for the dock:
 * Qt's saveState writes each dock's object name as QDataStream writes a QString. A dock the user closed has one. */
bool saved_layout_has_dock(const QString &id)
{
#if LIBOBS_API_MAJOR_VER >= 31
	config_t *config = obs_frontend_get_user_config();
#else
	config_t *config = obs_frontend_get_global_config();
#endif
	const char *state = config ? config_get_string(config, "BasicWindow", "DockState") : nullptr;
	if (!state || !*state)
		return false;
	QByteArray name;
	QDataStream stream(&name, QIODevice::WriteOnly);
	stream << id;
	return QByteArray::fromBase64(QByteArray(state)).contains(name);
}

/* Adds the dock content to OBS's window under the id "obs_bgm_dock" (the name OBS saves its place under, the same on
 * both paths, so a layout saved by OBS 29 carries over). OBS 30 deprecates obs_frontend_add_dock for
 * obs_frontend_add_dock_by_id, which makes the dock itself (hidden and floating until placed). */
QDockWidget *add_dock(QMainWindow *main, BgmDock *content)
{
	const char *id = "obs_bgm_dock";
	const char *title = obs_module_text("ObsBgm.Dock.Title");
#if LIBOBS_API_MAJOR_VER >= 30
	UNUSED_PARAMETER(main);
	if (!obs_frontend_add_dock_by_id(id, title, content)) {
		blog(LOG_WARNING, "[obs-bgm] OBS refused the dock id '%s' (another plugin uses it)", id);
		return nullptr;
	}
	return qobject_cast<QDockWidget *>(content->parentWidget());
#else
	auto *dock = new QDockWidget(main);
	dock->setObjectName(id);
	dock->setWindowTitle(QString::fromUtf8(title));
	dock->setWidget(content);
	obs_frontend_add_dock(dock);
	return dock;
#endif
}
obs_hotkey_id g_hotkey = OBS_INVALID_HOTKEY_ID;
obs_hotkey_id g_live_hotkey = OBS_INVALID_HOTKEY_ID;

} // namespace

bool show_obs_bgm_dock(const std::string &tab)
{
	if (!BgmDock::has_tab(tab))
		return false;
	auto *task = new std::string(tab);
	obs_queue_task(
		OBS_TASK_UI,
		[](void *param) {
			std::unique_ptr<std::string> name(static_cast<std::string *>(param));
			guarded("showing the dock", [&] {
				if (QDockWidget *frame = g_dock_frame) {
					frame->show();
					frame->raise();
				}
				if (g_dock)
					g_dock->show_tab(*name);
			});
		},
		task, false);
	return true;
}

namespace {

std::string take_string(char *s)
{
	std::string out = s ? s : "";
	bfree(s);
	return out;
}

/* Builds and writes what the filter gathered beside the recording (on the controller's worker). */
void write_live_analysis(bgm::LiveAnalysis::Capture capture, const std::string &recording, double duration_s)
{
	auto analysis = bgm::analysis_from_capture(std::move(capture), duration_s, recording);
	const auto path = bgm::analysis_path_for(recording);
	if (!analysis) {
		/* Nothing to write: an older analysis of the same name must not pass for this recording's. */
		std::error_code ec;
		if (std::filesystem::remove(path, ec))
			blog(LOG_INFO, "[obs-bgm] removed a stale analysis: %s", path.c_str());
		return;
	}
	analysis->recording = bgm::recording_identity(recording); /* it belongs to this file as it is now */
	if (auto ok = bgm::write_analysis_file(*analysis, path); !ok)
		blog(LOG_WARNING, "[obs-bgm] %s", ok.error().message.c_str());
	else
		blog(LOG_INFO, "[obs-bgm] analysis written: %s (%zu cuts, %zu scene switches)", path.c_str(),
		     analysis->cuts.size(), analysis->scene_switches.size());
}

void handle_frontend_event(enum obs_frontend_event event)
{
	auto &c = BgmController::get();
	switch (event) {
	case OBS_FRONTEND_EVENT_FINISHED_LOADING: {
		auto *main = static_cast<QMainWindow *>(obs_frontend_get_main_window());
		QDockWidget *frame = g_dock_frame;
		if (frame && main && !saved_layout_has_dock(frame->objectName())) {
			/* First run (OBS's saved layout has no place for it): docked on the right and shown. OBS 30
			 * adds docks made by id hidden and floating; OBS 29 leaves a new dock where the plugin put it. */
			main->addDockWidget(Qt::RightDockWidgetArea, frame);
			frame->setFloating(false);
			frame->show();
			blog(LOG_INFO, "[obs-bgm] the AI Music dock is shown on the right (no saved place for it yet)");
		}
		break;
	}
	case OBS_FRONTEND_EVENT_RECORDING_STARTED:
		c.live_analysis().start();
		c.recording_clock().start(os_gettime_ns());
		break;
	case OBS_FRONTEND_EVENT_RECORDING_PAUSED:
		c.recording_clock().pause(os_gettime_ns());
		break;
	case OBS_FRONTEND_EVENT_RECORDING_UNPAUSED:
		c.recording_clock().resume(os_gettime_ns());
		break;
	case OBS_FRONTEND_EVENT_SCENE_CHANGED: /* the program scene (in studio mode: after the transition) */
		if (const auto t = c.recording_clock().seconds(os_gettime_ns()))
			c.live_analysis().add_scene_switch(*t);
		break;
	case OBS_FRONTEND_EVENT_RECORDING_STOPPED: {
		const double elapsed = c.recording_clock().stop(os_gettime_ns());
		const std::string path = take_string(obs_frontend_get_last_recording());
		if (path.empty()) {
			c.live_analysis().stop();
			break;
		}
		c.set_last_recording(path, elapsed);
		/* The analysis is built and written first (off this thread), then the dock hears of the recording and may
		 * score it. What was gathered is taken now, so a recording started at once begins afresh. */
		auto capture = std::make_shared<bgm::LiveAnalysis::Capture>(c.live_analysis().stop());
		c.post([capture, path, elapsed] {
			write_live_analysis(std::move(*capture), path, elapsed);
			QMetaObject::invokeMethod(
				qApp,
				[path] {
					guarded("a finished recording", [&] {
						if (g_dock)
							g_dock->recording_finished(QString::fromStdString(path), false);
					});
				},
				Qt::QueuedConnection);
		});
		break;
	}
	case OBS_FRONTEND_EVENT_REPLAY_BUFFER_SAVED: {
		const std::string path = take_string(obs_frontend_get_last_replay());
		if (path.empty())
			break;
		c.set_last_replay(path);
		if (g_dock)
			g_dock->recording_finished(QString::fromStdString(path), true);
		break;
	}
	case OBS_FRONTEND_EVENT_EXIT:
		unregister_websocket_vendor(); /* obs-websocket stops after this: no request may still be on its way */
		ResultPreview::get().stop(); /* while its source can still be released */
		c.stop(); /* a running job is cancelled cleanly; finished results are already saved */
		break;
	default:
		break;
	}
}

void on_frontend_event(enum obs_frontend_event event, void *)
{
	guarded("a frontend event", [&] { handle_frontend_event(event); });
}

/* Hotkeys fire on OBS's hotkey thread: the dock is reached through a queued call. */
void on_hotkey(void *, obs_hotkey_id, obs_hotkey_t *, bool pressed)
{
	if (pressed)
		QMetaObject::invokeMethod(
			qApp,
			[] {
				guarded("the hotkey", [] {
					if (g_dock)
						g_dock->generate();
				});
			},
			Qt::QueuedConnection);
}

/* The live music's start/stop (OBS's hotkey thread: the sources take it from any thread). */
void on_live_hotkey(void *, obs_hotkey_id, obs_hotkey_t *, bool pressed)
{
	if (pressed)
		guarded("the live music's hotkey", [] { live_toggle_all(); });
}

} // namespace

static bool load_module()
{
	char *config = obs_module_config_path("");
	const std::string config_dir = config ? config : "";
	bfree(config);
	std::error_code ec;
	std::filesystem::create_directories(config_dir, ec);
	BgmController::get().start(config_dir);

	register_analyzer_filter();
	register_live_source();

	auto *main = static_cast<QMainWindow *>(obs_frontend_get_main_window());
	if (main) {
		g_dock = new BgmDock(main);
		g_dock_frame = add_dock(main, g_dock);
		if (!g_dock_frame)
			delete g_dock.data(); /* not left as a stray child of the main window */
	}
	obs_frontend_add_event_callback(on_frontend_event, nullptr);
	g_hotkey = obs_hotkey_register_frontend("obs_bgm.score_last_recording", obs_module_text("ObsBgm.Hotkey.ScoreLast"),
						on_hotkey, nullptr);
	g_live_hotkey = obs_hotkey_register_frontend("obs_bgm.live_toggle", obs_module_text("ObsBgm.Hotkey.LiveToggle"),
						     on_live_hotkey, nullptr);
	blog(LOG_INFO, "[obs-bgm] loaded (version %s)", OBS_BGM_VERSION_TEXT);
	return true;
}

bool obs_module_load(void)
{
	return guarded_call("loading obs-bgm", false, load_module);
}

void obs_module_post_load(void)
{
	guarded("registering the obs-websocket requests", [] { register_websocket_vendor(); });
}

void obs_module_unload(void)
{
	guarded("unloading obs-bgm", [] {
		obs_frontend_remove_event_callback(on_frontend_event, nullptr);
		if (g_hotkey != OBS_INVALID_HOTKEY_ID)
			obs_hotkey_unregister(g_hotkey);
		if (g_live_hotkey != OBS_INVALID_HOTKEY_ID)
			obs_hotkey_unregister(g_live_hotkey);
		BgmController::get().stop();
	});
}
