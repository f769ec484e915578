#pragma once
/* The dock's Results tab: every result kept across restarts, newest first, each with its style and length
 * ("Lo-fi · 0:20 · talk-bgm.mp4", the name shortened in the middle when the dock is narrow, the whole path in its
 * tooltip); Preview plays the chosen one through OBS's audio monitoring (Stop ends it), "Add to scene" puts it in
 * the current scene as a Media Source, "Show in folder" opens its folder. Below, the chosen result's session: its
 * timeline, the refine box ("make it calmer") and Export (as it is, or for a platform). The panel asks; the dock runs
 * the jobs (refine_requested, export_requested) and says what happened (said).
 * Thread: the OBS UI thread. */

#include <QString>
#include <QWidget>

#include "elided-text.h"

#include <filesystem>
#include <string>
#include <vector>

class QAction;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimer;

class ResultsPanel : public QWidget {
	Q_OBJECT

public:
	explicit ResultsPanel(QWidget *parent = nullptr);

	/* Reads the controller's results again (after a job, at start); the newest is chosen. */
	void refresh();
	/* A job runs: refine and export wait for it. */
	void set_busy(bool busy);
	/* The session of a result just made, chosen for refining. */
	void select_session(const std::string &session_id, const QString &summary, const std::filesystem::path &folder);
	/* The dock started the refine asked for: the box empties for the next one. */
	void refine_started();

signals:
	void refine_requested(const QString &session_id, const QString &message, const QString &folder);
	void export_requested(const QString &session_id, const QString &preset, bool crop, const QString &folder);
	void said(const QString &line);

private:
	void mark_missing(const std::vector<bool> &missing);
	void toggle_preview();
	void show_preview_state();
	void add_to_scene();
	void show_in_folder();
	void refine();
	QString chosen_path() const;

	QListWidget *list_ = nullptr;
	ElidedButton *preview_ = nullptr;
	QPushButton *add_ = nullptr;
	QPushButton *folder_ = nullptr;
	QLabel *summary_ = nullptr;
	QLineEdit *refine_text_ = nullptr;
	QPushButton *refine_ = nullptr;
	QPushButton *export_ = nullptr;
	QAction *crop_ = nullptr;
	QTimer *preview_timer_ = nullptr;
	std::string session_id_;
	std::filesystem::path session_folder_;
	bool busy_ = false;
	unsigned generation_ = 0; /* which refresh a background presence check belongs to */
};
