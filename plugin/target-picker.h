#pragma once
/* What the dock scores: a short choice (the last recording, the last replay-buffer save, files, the last N
 * recordings, or words alone) and under it what that means now ("2026-12-06_14-02-11.mkv · 0:06", shortened in the
 * middle, its whole path in the tooltip). It names the main button for the choice ("Score last recording", "Score 3
 * recordings", "Make music") through main_action_changed.
 * Thread: the OBS UI thread. */

#include <QWidget>

#include "elided-text.h"

#include <filesystem>
#include <optional>
#include <vector>

class QComboBox;

class TargetPicker : public QWidget {
	Q_OBJECT

public:
	explicit TargetPicker(QWidget *parent = nullptr);

	/* Reads the controller's recordings again, keeping the choice. */
	void refresh();
	/* A recording (or replay save) just finished: it becomes the choice. */
	void choose_latest(bool replay);
	/* What the choice means now, as shown under it. */
	QString description() const;

	struct Inputs {
		std::optional<std::filesystem::path> input; /* none: music from words alone */
		std::vector<std::filesystem::path> several; /* two or more: a queue */
		const char *missing = nullptr;              /* a locale key saying why there is nothing to score */
	};
	Inputs inputs() const;

signals:
	void main_action_changed(const QString &text);

private:
	void chosen(int index);

	QComboBox *combo_ = nullptr;
	ElidedLabel *name_ = nullptr;
	std::vector<std::filesystem::path> files_; /* "Files...": one or several, queued in order */
	int last_count_ = 3;                       /* "The last N recordings" */
};
