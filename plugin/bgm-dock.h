#pragma once
/* The "AI Music" dock: what to score, the prompt (with one-click suggestions), style, volume, ducking and output,
 * Generate and Cancel with the stage and progress, a transcript in plain words, a refine box that continues the
 * result's session ("make it calmer"; the new version joins the list) with its timeline and Export, and the results
 * kept across restarts with "Add to scene" and "Show in folder". Follows OBS's theme (no colours of its own) and fits 300 px.
 * It is the dock's content, a plain widget: OBS 30 and later wrap it in a dock of their own (obs_frontend_add_dock_by_id),
 * on OBS 29 the plugin wraps it (see plugin-main.cpp).
 * Thread: the OBS UI thread; job updates arrive from the worker through queued calls. */

#include <QString>
#include <QWidget>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include "jobs/job_runner.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QAction;
class QPushButton;
class QSlider;

class BgmDock : public QWidget {
	Q_OBJECT

public:
	explicit BgmDock(QWidget *parent = nullptr);
	~BgmDock() override;

	/* A recording (or replay save) just finished: shown as the target; scored at once with auto-score on. */
	void recording_finished(const QString &path, bool replay);
	/* Starts a job for the current choices (the hotkey, the button). */
	void generate();

private:
	void build_ui();
	void load_settings_into_ui();
	void save_settings_from_ui();
	void refresh_targets();
	void refresh_results();
	void mark_missing_results(const std::vector<bool> &missing);
	void on_job(const bgm::JobSnapshot &snapshot);
	void set_busy(bool busy);
	void check_status();
	void show_backend_fields();
	/* What the user can do about an error, as a button: a page to open (register to keep the free credits, top
	 * up), or the same job again with a 720p copy (a recording over the cloud's size limit). */
	void offer_action(const bgm::Error *error, const bgm::JobRequest *request = nullptr);
	/* Submits a job and follows it here; false (with the reason in the transcript) when it was refused. */
	bool start_job(bgm::JobRequest request);
	/* Queues several recordings and follows them one by one; a summary names the ones that failed. */
	void start_batch(const std::vector<std::filesystem::path> &inputs, const std::string &prompt, const std::string &style);
	/* A job of the queue ended: counted, and at the queue's end the summary. */
	void batch_job_ended(const bgm::JobSnapshot &s);
	void refine(bool export_only);
	/* Exports the session's timeline, for a platform when `preset` names one (crop when the menu's box is on). */
	void export_for(const std::string &preset);
	void select_session(const std::string &session_id, const QString &summary, const std::filesystem::path &folder);
	void add_selected_to_scene();
	void show_selected_in_folder();

	QLabel *status_ = nullptr;
	QComboBox *target_ = nullptr;
	QPlainTextEdit *prompt_ = nullptr;
	QComboBox *style_ = nullptr;
	QSlider *volume_ = nullptr;
	QLabel *volume_value_ = nullptr;
	QCheckBox *duck_ = nullptr;
	QComboBox *output_ = nullptr;
	QPushButton *generate_ = nullptr;
	QPushButton *cancel_ = nullptr;
	QProgressBar *progress_ = nullptr;
	QLabel *stage_ = nullptr;
	QPlainTextEdit *transcript_ = nullptr;
	QListWidget *results_ = nullptr;
	QLineEdit *output_dir_ = nullptr;
	QCheckBox *auto_score_ = nullptr;
	QCheckBox *score_replays_ = nullptr;
	QLineEdit *soundfont_ = nullptr;
	QComboBox *backend_ = nullptr;     /* local engine, NemoVideo cloud, render server */
	QLabel *server_url_label_ = nullptr;
	QLineEdit *server_url_ = nullptr;
	QLabel *token_label_ = nullptr;
	QLineEdit *token_ = nullptr;       /* shown masked */
	QPushButton *action_ = nullptr;    /* "Register (free)" after out of credits */
	QString action_url_;
	std::optional<bgm::JobRequest> action_retry_;
	bool loading_ = false; /* the settings are being put into the widgets: their signals must not save */
	QLabel *summary_ = nullptr;       /* the timeline of the session being refined */
	QLineEdit *refine_text_ = nullptr; /* "make it calmer", "music at 20%" */
	QPushButton *refine_ = nullptr;
	QPushButton *export_ = nullptr;  /* a menu: the timeline as it is, or for a platform */
	QAction *crop_ = nullptr;        /* in that menu: a wide picture cropped to follow the action, not fitted */
	std::string session_id_;               /* the session the refine box talks to */
	std::filesystem::path session_folder_; /* where its last version was written */

	std::vector<std::filesystem::path> chosen_files_; /* "Files...": one or several, queued in order */
	int last_count_ = 3;                              /* "The last N recordings" */
	/* A queue of recordings started here: the jobs, how many ended, and the ones that failed (by name). */
	std::vector<std::uint64_t> batch_;
	size_t batch_ended_ = 0;
	size_t batch_scored_ = 0;
	QStringList batch_failed_;
	std::uint64_t job_id_ = 0;
	size_t transcript_shown_ = 0; /* lines of the job's transcript already shown */
	unsigned results_generation_ = 0; /* which refresh a background presence check belongs to */
};
