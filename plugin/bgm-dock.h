#pragma once
/* The "AI Music" dock, laid out for OBS's right-hand column (300-350 px): first what the user came for, the status
 * line, what to score (the last recording, with its name and length), the main button ("Score last recording") with
 * Cancel beside it and the progress under it, then the prompt and its suggestions (they wrap onto lines); below, four
 * tabs: Score (style, volume, ducking, output, what happened), Results (ResultsPanel: preview, add to scene, refine,
 * export), Live (LivePanel) and Settings (SettingsPanel). Long names shorten in the middle with the whole text in a
 * tooltip; nothing is cut. The first time a scene is recorded without the analyzer filter, the dock says once what
 * it gives and offers to add it to every scene.
 * Follows OBS's theme (no colours of its own). It is the dock's content, a plain widget: OBS 30 and later wrap it in
 * a dock of their own (obs_frontend_add_dock_by_id), on OBS 29 the plugin wraps it (see plugin-main.cpp).
 * Thread: the OBS UI thread; job updates arrive from the worker through queued calls. */

#include <QString>
#include <QWidget>

#include "elided-text.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jobs/job_runner.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QCheckBox;
class QTabWidget;
class ResultsPanel;
class SettingsPanel;
class TargetPicker;

class BgmDock : public QWidget {
	Q_OBJECT

public:
	explicit BgmDock(QWidget *parent = nullptr);
	~BgmDock() override;

	/* A recording (or replay save) just finished: shown as the target; scored at once with auto-score on. */
	void recording_finished(const QString &path, bool replay);
	/* Starts a job for the current choices (the hotkey, the button). */
	void generate();
	/* Shows a tab: "score", "results", "live" or "settings"; false for another name. */
	bool show_tab(const std::string &tab);
	/* Whether the dock has a tab of that name (any thread). */
	static bool has_tab(const std::string &tab);

private:
	void build_ui();
	QWidget *build_top();
	QWidget *build_score_tab();
	void load_settings_into_ui();
	void save_settings_from_ui();
	void on_job(const bgm::JobSnapshot &snapshot);
	void set_busy(bool busy);
	void check_status();
	void say(const QString &line);
	/* The first recording of a scene without the analyzer: what it gives, and an offer to add it everywhere. */
	void offer_analyzer();
	/* What the user can do about an error, as a button: a page to open (register to keep the free credits, top
	 * up), or the same job again with a 720p copy (a recording over the cloud's size limit). */
	void offer_action(const bgm::Error *error, const bgm::JobRequest *request = nullptr);
	/* Submits a job and follows it here; false (with the reason in the transcript) when it was refused. */
	bool start_job(bgm::JobRequest request);
	/* Queues several recordings and follows them one by one; a summary names the ones that failed. */
	void start_batch(const std::vector<std::filesystem::path> &inputs, const std::string &prompt, const std::string &style);
	/* A job of the queue ended: counted, and at the queue's end the summary. */
	void batch_job_ended(const bgm::JobSnapshot &s);

	ElidedLabel *status_ = nullptr;
	ElidedButton *action_ = nullptr; /* "Register (free)" after out of credits */
	QWidget *analyzer_offer_ = nullptr;
	TargetPicker *target_ = nullptr;     /* what to score */
	ElidedButton *generate_ = nullptr;   /* "Score last recording" */
	QPushButton *cancel_ = nullptr;
	QProgressBar *progress_ = nullptr;  /* the stage and its progress while a job runs */
	QLabel *stage_ = nullptr;           /* how the last job ended */
	QPlainTextEdit *prompt_ = nullptr;
	QTabWidget *tabs_ = nullptr;
	QComboBox *style_ = nullptr;
	QSlider *volume_ = nullptr;
	QLabel *volume_value_ = nullptr;
	QCheckBox *duck_ = nullptr;
	QComboBox *output_ = nullptr;
	QPlainTextEdit *transcript_ = nullptr;
	ResultsPanel *results_ = nullptr;
	SettingsPanel *settings_ = nullptr;
	QString action_url_;
	std::optional<bgm::JobRequest> action_retry_;
	bool loading_ = false; /* the settings are being put into the widgets: their signals must not save */

	/* A queue of recordings started here: the jobs, how many ended, and the ones that failed (by name). */
	std::vector<std::uint64_t> batch_;
	size_t batch_ended_ = 0;
	size_t batch_scored_ = 0;
	QStringList batch_failed_;
	std::uint64_t job_id_ = 0;
	size_t transcript_shown_ = 0; /* lines of the job's transcript already shown */
};

/* Shows the AI Music dock on `tab` (raising it when hidden). Any thread: the work is queued to the UI thread.
 * False for an unknown tab name. Defined with the module (plugin-main.cpp). */
bool show_obs_bgm_dock(const std::string &tab);
