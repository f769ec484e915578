#include "settings-panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "dock-text.h"
#include "elided-text.h"
#include "flow-layout.h"
#include "guarded-call.h"
#include "media-import.h"
#include "settings-keys.h"

SettingsPanel::SettingsPanel(QWidget *parent) : QWidget(parent)
{
	auto *layout = new QVBoxLayout(this);
	layout->addWidget(wrapped_label(dock_text("ObsBgm.Settings.OutputDir")));
	auto *dir_row = new QHBoxLayout;
	output_dir_ = new QLineEdit;
	auto *browse = new ElidedButton(dock_text("ObsBgm.Settings.Browse"));
	dir_row->addWidget(output_dir_, 1);
	dir_row->addWidget(browse);
	layout->addLayout(dir_row);
	auto_score_ = new QCheckBox(dock_text("ObsBgm.Settings.AutoScore"));
	score_replays_ = new QCheckBox(dock_text("ObsBgm.Settings.ScoreReplays"));
	layout->addWidget(auto_score_);
	layout->addWidget(score_replays_);
	layout->addWidget(wrapped_label(dock_text("ObsBgm.Settings.SoundFont")));
	soundfont_ = new QLineEdit;
	layout->addWidget(soundfont_);
	layout->addWidget(wrapped_label(dock_text("ObsBgm.Settings.Backend")));
	backend_ = new QComboBox;
	backend_->addItem(dock_text("ObsBgm.Backend.Local"), QString(obs_bgm_keys::kBackendLocal));
	backend_->addItem(dock_text("ObsBgm.Backend.Cloud"), QString(obs_bgm_keys::kBackendCloud));
	backend_->addItem(dock_text("ObsBgm.Backend.Server"), QString(obs_bgm_keys::kBackendServer));
	backend_->setToolTip(dock_text("ObsBgm.Settings.BackendHelp"));
	layout->addWidget(backend_);
	server_url_label_ = wrapped_label(dock_text("ObsBgm.Settings.ServerUrl"));
	layout->addWidget(server_url_label_);
	server_url_ = new QLineEdit;
	server_url_->setPlaceholderText("http://192.168.1.20:8765");
	layout->addWidget(server_url_);
	token_label_ = wrapped_label(dock_text("ObsBgm.Settings.Token"));
	layout->addWidget(token_label_);
	token_ = new QLineEdit;
	token_->setEchoMode(QLineEdit::Password); /* a secret: never shown in full */
	token_->setPlaceholderText(dock_text("ObsBgm.Settings.TokenPlaceholder"));
	layout->addWidget(token_);

	/* The analyzer filter: its cuts and moods are ready when recording stops, so scoring skips a decode. */
	layout->addWidget(wrapped_label(dock_text("ObsBgm.Analyzer.Label")));
	auto *analyzer = new FlowLayout;
	auto *this_scene = new ElidedButton(dock_text("ObsBgm.Watch.Button"));
	this_scene->set_tip(dock_text("ObsBgm.Watch.Tip"));
	auto *every_scene = new ElidedButton(dock_text("ObsBgm.Analyzer.EveryScene"));
	analyzer->addWidget(this_scene);
	analyzer->addWidget(every_scene);
	layout->addLayout(analyzer);
	layout->addStretch(1);

	connect(browse, &QPushButton::clicked, this, [this] {
		const QString dir = QFileDialog::getExistingDirectory(this, dock_text("ObsBgm.Settings.OutputDir"), output_dir_->text());
		if (!dir.isEmpty()) {
			output_dir_->setText(dir);
			emit changed();
		}
	});
	connect(this_scene, &QPushButton::clicked, this, [this] {
		guarded("adding the analyzer", [this] {
			const std::string scene = add_analyzer_to_current_scene(dock_text("ObsBgm.Filter.Name").toStdString());
			emit said(scene.empty() ? dock_text("ObsBgm.Watch.Failed")
						: dock_text("ObsBgm.Watch.Done").arg(QString::fromStdString(scene)));
		});
	});
	connect(every_scene, &QPushButton::clicked, this, [this] {
		guarded("adding the analyzer", [this] {
			const int n = add_analyzer_to_every_scene(dock_text("ObsBgm.Filter.Name").toStdString());
			emit said(dock_text("ObsBgm.Analyzer.Added").arg(n));
		});
	});
	const auto report = [this] {
		if (!loading_)
			emit changed();
	};
	for (QCheckBox *box : {auto_score_, score_replays_})
		connect(box, &QCheckBox::toggled, this, report);
	connect(output_dir_, &QLineEdit::editingFinished, this, report);
	const auto switch_backend = [this] {
		show_backend_fields();
		if (!loading_)
			emit backend_changed();
	};
	connect(soundfont_, &QLineEdit::editingFinished, this, switch_backend); /* the engine is checked again */
	connect(backend_, QOverload<int>::of(&QComboBox::activated), this, switch_backend);
	connect(server_url_, &QLineEdit::editingFinished, this, switch_backend);
	connect(token_, &QLineEdit::editingFinished, this, switch_backend);
}

void SettingsPanel::show_backend_fields()
{
	const QString kind = backend_->currentData().toString();
	server_url_label_->setVisible(kind == obs_bgm_keys::kBackendServer);
	server_url_->setVisible(kind == obs_bgm_keys::kBackendServer);
	token_label_->setVisible(kind != obs_bgm_keys::kBackendLocal);
	token_->setVisible(kind != obs_bgm_keys::kBackendLocal);
}

void SettingsPanel::load(const PluginSettings &s)
{
	/* Setting a box fires its "changed" signal: nothing is reported until every field holds the loaded value. */
	loading_ = true;
	output_dir_->setText(QString::fromStdString(s.output_dir));
	auto_score_->setChecked(s.auto_score);
	score_replays_->setChecked(s.score_replays);
	soundfont_->setText(QString::fromStdString(s.soundfont));
	const int backend = backend_->findData(QString::fromStdString(s.backend));
	backend_->setCurrentIndex(backend < 0 ? 0 : backend);
	server_url_->setText(QString::fromStdString(s.server_url));
	token_->setText(QString::fromStdString(s.nemo_token));
	show_backend_fields();
	loading_ = false;
}

void SettingsPanel::fill(PluginSettings &s) const
{
	s.output_dir = output_dir_->text().trimmed().toStdString();
	s.auto_score = auto_score_->isChecked();
	s.score_replays = score_replays_->isChecked();
	s.soundfont = soundfont_->text().trimmed().toStdString();
	s.backend = backend_->currentData().toString().toStdString();
	s.server_url = server_url_->text().trimmed().toStdString();
	s.nemo_token = token_->text().trimmed().toStdString();
}
