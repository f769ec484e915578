#pragma once
/* The dock's Settings tab: where results go, scoring each recording (and replay saves) when it stops, the SoundFont,
 * who makes the music (the local engine, the NemoVideo cloud or a render server, with its address and token), and
 * the analyzer filter (this scene, or every scene). The choices of the Score tab (style, volume, ducking, output) are
 * the dock's; load and fill carry the rest of the settings.
 * Thread: the OBS UI thread. */

#include <QWidget>

#include "plugin-settings.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

class SettingsPanel : public QWidget {
	Q_OBJECT

public:
	explicit SettingsPanel(QWidget *parent = nullptr);

	/* Shows `s` without reporting changes. */
	void load(const PluginSettings &s);
	/* Writes this tab's fields into `s`. */
	void fill(PluginSettings &s) const;

signals:
	/* A field was changed by the user: save. */
	void changed();
	/* The backend, its address or its token changed: save and check the new backend. */
	void backend_changed();
	void said(const QString &line);

private:
	void show_backend_fields();

	QLineEdit *output_dir_ = nullptr;
	QCheckBox *auto_score_ = nullptr;
	QCheckBox *score_replays_ = nullptr;
	QLineEdit *soundfont_ = nullptr;
	QComboBox *backend_ = nullptr;
	QLabel *server_url_label_ = nullptr;
	QLineEdit *server_url_ = nullptr;
	QLabel *token_label_ = nullptr;
	QLineEdit *token_ = nullptr; /* shown masked */
	bool loading_ = false;
};
