#include "bgm-dock.h"

#include <obs-module.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QUrl>
#include <QVBoxLayout>

#include <optional>
#include <thread>

#include "bgm-controller.h"
#include "guarded-call.h"
#include "settings-keys.h"
#include "live-panel.h"
#include "media-import.h"
#include "media/export_preset.h"
#include "spec/prompt_parser.h"
#include "spec/style_catalog.h"

namespace {

enum Target { kLastRecording, kLastReplay, kFile, kTextOnly, kLastRecordings };

QString text(const char *key)
{
	return QString::fromUtf8(obs_module_text(key));
}

/* "loading_sounds" -> "ObsBgm.Stage.LoadingSounds" */
QString stage_text(bgm::Stage stage)
{
	std::string key = "ObsBgm.Stage.";
	bool upper = true;
	for (char c : bgm::stage_id(stage)) {
		if (c == '_') {
			upper = true;
			continue;
		}
		key += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
		upper = false;
	}
	return text(key.c_str());
}

/* A word or sentence from the locale, or `fallback` when the locale has no such key. */
QString localized(const std::string &key, const QString &fallback)
{
	const char *value = obs_module_text(key.c_str());
	return value && key != value ? QString::fromUtf8(value) : fallback;
}

/* A transcript line in the user's language: its sentence from the locale, its "@..." arguments translated too;
 * the engine's English when the locale has no sentence for it. */
QString transcript_text(const bgm::TranscriptLine &line)
{
	QString sentence = localized("ObsBgm.Transcript." + line.id, QString());
	if (sentence.isEmpty())
		return QString::fromStdString(line.text);
	for (const std::string &arg : line.args) {
		if (!arg.empty() && arg[0] == '@')
			sentence = sentence.arg(localized("ObsBgm." + arg.substr(1), QString::fromStdString(arg.substr(arg.find('.') + 1))));
		else
			sentence = sentence.arg(QString::fromStdString(arg));
	}
	return sentence;
}

QString file_label(const std::filesystem::path &p)
{
	return QString::fromStdString(p.filename().string());
}

} // namespace

BgmDock::BgmDock(QWidget *parent) : QWidget(parent)
{
	setObjectName("obsBgmDockContent");
	build_ui();
	load_settings_into_ui();
	refresh_targets();
	refresh_results();

	QPointer<BgmDock> self(this);
	BgmController::get().set_job_listener([self](const bgm::JobSnapshot &s) {
		QMetaObject::invokeMethod(
			qApp,
			[self, s] {
				guarded("showing a job in the dock", [&] {
					if (self)
						self->on_job(s);
				});
			},
			Qt::QueuedConnection);
	});
	check_status();
}

void BgmDock::check_status()
{
	/* Checked by the controller, off the UI thread; shown here through a queued call. */
	status_->setText(text("ObsBgm.Status.Connecting"));
	QPointer<BgmDock> self(this);
	offer_action(nullptr);
	BgmController::get().check_status([self](const bgm::Result<bgm::BackendStatus> &status) {
		QString line;
		if (status) {
			/* "Ready · NemoVideo · 87 credits (3 in use)"; the local engine has no credits */
			QString name = status->name == "Local engine" ? text("ObsBgm.Backend.Local")
								       : QString::fromStdString(status->name);
			if (status->credits)
				name += " · " + text("ObsBgm.Status.Credits")
							.arg(static_cast<long long>(status->credits->available))
							.arg(static_cast<long long>(status->credits->frozen));
			line = text("ObsBgm.Status.Ready").arg(name);
		} else {
			line = text("ObsBgm.Status.Unavailable")
				       .arg(localized(std::string("ObsBgm.ErrorCode.") + bgm::error_code_name(status.error().code),
						      QString()));
		}
		const QString detail = status ? QString() : QString::fromStdString(status.error().message);
		std::optional<bgm::Error> error;
		if (!status)
			error = status.error();
		QMetaObject::invokeMethod(
			qApp,
			[self, line, detail, error] {
				if (!self)
					return;
				self->status_->setText(line);
				self->status_->setToolTip(detail); /* what to do, in the backend's words */
				self->offer_action(error ? &*error : nullptr);
			},
			Qt::QueuedConnection);
	});
}

void BgmDock::offer_action(const bgm::Error *error, const bgm::JobRequest *request)
{
	action_url_ = error ? QString::fromStdString(error->action_url) : QString();
	action_retry_.reset();
	if (error && error->action == bgm::ErrorAction::kSmallerCopy && request && request->input && !request->smaller_copy) {
		action_retry_ = *request;
		action_retry_->smaller_copy = true;
		action_->setText(text("ObsBgm.Action.SmallerCopy"));
		action_->setVisible(true);
		return;
	}
	const bool registration = error && error->action == bgm::ErrorAction::kRegister;
	action_->setText(registration ? text("ObsBgm.Action.Register") : text("ObsBgm.Action.OpenPage"));
	action_->setVisible(!action_url_.isEmpty());
}

void BgmDock::show_backend_fields()
{
	const QString kind = backend_->currentData().toString();
	server_url_label_->setVisible(kind == obs_bgm_keys::kBackendServer);
	server_url_->setVisible(kind == obs_bgm_keys::kBackendServer);
	token_label_->setVisible(kind != obs_bgm_keys::kBackendLocal);
	token_->setVisible(kind != obs_bgm_keys::kBackendLocal);
}

BgmDock::~BgmDock()
{
	BgmController::get().set_job_listener({});
}

void BgmDock::build_ui()
{
	auto *content = new QWidget;
	auto *layout = new QVBoxLayout(content);

	status_ = new QLabel;
	status_->setWordWrap(true);
	layout->addWidget(status_);
	action_ = new QPushButton;
	action_->setVisible(false);
	layout->addWidget(action_);
	layout->addWidget(new LivePanel); /* the live source's now playing, start/stop and mood, near the top for streamers */
	connect(action_, &QPushButton::clicked, this, [this] {
		guarded("the offered action", [this] {
			if (action_retry_) {
				const bgm::JobRequest again = *action_retry_;
				offer_action(nullptr);
				start_job(again);
			} else {
				QDesktopServices::openUrl(QUrl(action_url_));
			}
		});
	});
	auto *watch = new QPushButton(text("ObsBgm.Watch.Button"));
	watch->setToolTip(text("ObsBgm.Watch.Tip"));
	layout->addWidget(watch);
	connect(watch, &QPushButton::clicked, this, [this] {
		const std::string scene = add_analyzer_to_current_scene(text("ObsBgm.Filter.Name").toStdString());
		transcript_->appendPlainText(scene.empty() ? text("ObsBgm.Watch.Failed")
							   : text("ObsBgm.Watch.Done").arg(QString::fromStdString(scene)));
	});

	layout->addWidget(new QLabel(text("ObsBgm.Target.Label")));
	target_ = new QComboBox;
	target_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
	target_->setMinimumContentsLength(12);
	layout->addWidget(target_);
	connect(target_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
		if (target_->itemData(index).toInt() == kLastRecordings) {
			bool ok = false;
			const int n = QInputDialog::getInt(this, text("ObsBgm.Target.LastRecordings"), text("ObsBgm.Target.HowMany"), last_count_, 1, 32, 1, &ok);
			if (ok)
				last_count_ = n;
			refresh_targets();
			return;
		}
		if (target_->itemData(index).toInt() != kFile)
			return;
		const QStringList files = QFileDialog::getOpenFileNames(
			this, text("ObsBgm.FileDialog.Title"), QString(),
			text("ObsBgm.FileDialog.Filter") + " (*.mp4 *.mov *.avi *.webm *.mkv *.jpg *.png *.gif *.webp *.mp3 *.wav *.m4a *.aac)");
		if (!files.isEmpty()) {
			chosen_files_.clear();
			for (const QString &f : files)
				chosen_files_.emplace_back(f.toStdString());
		}
		refresh_targets();
	});

	prompt_ = new QPlainTextEdit;
	prompt_->setPlaceholderText(text("ObsBgm.Prompt.Placeholder"));
	prompt_->setMaximumHeight(70);
	layout->addWidget(prompt_);
	for (const char *key : {"ObsBgm.Chip.1", "ObsBgm.Chip.2", "ObsBgm.Chip.3"}) {
		auto *chip = new QPushButton(text(key));
		chip->setFlat(true);
		chip->setStyleSheet("text-align: left;");
		chip->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed); /* long suggestions never widen the dock */
		chip->setToolTip(text(key));
		connect(chip, &QPushButton::clicked, this, [this, key] { prompt_->setPlainText(text(key)); });
		layout->addWidget(chip);
	}

	auto *form = new QWidget;
	auto *fl = new QVBoxLayout(form);
	fl->setContentsMargins(0, 0, 0, 0);
	fl->addWidget(new QLabel(text("ObsBgm.Style.Label")));
	style_ = new QComboBox;
	style_->addItem(text("ObsBgm.Style.Auto"), QString());
	for (const auto &s : bgm::StyleCatalog::builtin().styles())
		style_->addItem(text(("ObsBgm.Style." + s.id).c_str()), QString::fromStdString(s.id));
	fl->addWidget(style_);
	auto *vol_row = new QHBoxLayout;
	vol_row->addWidget(new QLabel(text("ObsBgm.Volume.Label")));
	volume_ = new QSlider(Qt::Horizontal);
	volume_->setRange(0, 100);
	volume_value_ = new QLabel;
	connect(volume_, &QSlider::valueChanged, this, [this](int v) { volume_value_->setText(QString("%1%").arg(v)); });
	vol_row->addWidget(volume_, 1);
	vol_row->addWidget(volume_value_);
	fl->addLayout(vol_row);
	duck_ = new QCheckBox(text("ObsBgm.Duck.Label"));
	fl->addWidget(duck_);
	fl->addWidget(new QLabel(text("ObsBgm.Output.Label")));
	output_ = new QComboBox;
	output_->addItem(text("ObsBgm.Output.Video"), true);
	output_->addItem(text("ObsBgm.Output.Audio"), false);
	fl->addWidget(output_);
	layout->addWidget(form);

	auto *buttons = new QHBoxLayout;
	generate_ = new QPushButton(text("ObsBgm.Generate"));
	cancel_ = new QPushButton(text("ObsBgm.Cancel"));
	cancel_->setEnabled(false);
	buttons->addWidget(generate_);
	buttons->addWidget(cancel_);
	layout->addLayout(buttons);
	/* Through guarded calls: an exception out of a Qt slot would end OBS. */
	connect(generate_, &QPushButton::clicked, this, [this] { guarded("Generate", [this] { generate(); }); });
	connect(cancel_, &QPushButton::clicked, this, [this] {
		if (job_id_)
			BgmController::get().cancel(job_id_);
	});
	stage_ = new QLabel;
	progress_ = new QProgressBar;
	progress_->setRange(0, 100);
	progress_->setVisible(false);
	layout->addWidget(stage_);
	layout->addWidget(progress_);

	layout->addWidget(new QLabel(text("ObsBgm.Transcript.Label")));
	transcript_ = new QPlainTextEdit;
	transcript_->setReadOnly(true);
	transcript_->setMaximumHeight(110);
	layout->addWidget(transcript_);

	/* Refining the result: follow-ups to its session, its timeline, and Export of the timeline as it is. */
	summary_ = new QLabel;
	summary_->setWordWrap(true);
	summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
	layout->addWidget(summary_);
	auto *refine_row = new QHBoxLayout;
	refine_text_ = new QLineEdit;
	refine_text_->setPlaceholderText(text("ObsBgm.Refine.Placeholder"));
	refine_ = new QPushButton(text("ObsBgm.Refine.Button"));
	export_ = new QPushButton(text("ObsBgm.Refine.Export"));
	refine_row->addWidget(refine_text_, 1);
	refine_row->addWidget(refine_);
	layout->addLayout(refine_row);
	layout->addWidget(export_);
	connect(refine_, &QPushButton::clicked, this, [this] { guarded("Refine", [this] { refine(false); }); });
	connect(refine_text_, &QLineEdit::returnPressed, this, [this] { guarded("Refine", [this] { refine(false); }); });
	auto *export_menu = new QMenu(export_);
	export_menu->addAction(text("ObsBgm.Export.AsIs"), this, [this] { guarded("Export", [this] { export_for({}); }); });
	export_menu->addSeparator();
	for (const auto &preset : bgm::export_presets()) {
		const std::string key = "ObsBgm.Export.Preset." + preset.id;
		const std::string id = preset.id;
		export_menu->addAction(text(key.c_str()), this, [this, id] { guarded("Export", [this, id] { export_for(id); }); });
	}
	export_menu->addSeparator();
	crop_ = export_menu->addAction(text("ObsBgm.Export.Crop"));
	crop_->setCheckable(true);
	export_->setMenu(export_menu);
	select_session({}, QString(), {});

	layout->addWidget(new QLabel(text("ObsBgm.Results.Label")));
	results_ = new QListWidget;
	results_->setMaximumHeight(130);
	layout->addWidget(results_);
	auto *result_buttons = new QHBoxLayout;
	auto *add = new QPushButton(text("ObsBgm.Results.AddToScene"));
	auto *show = new QPushButton(text("ObsBgm.Results.ShowInFolder"));
	result_buttons->addWidget(add);
	result_buttons->addWidget(show);
	layout->addLayout(result_buttons);
	connect(add, &QPushButton::clicked, this, [this] { guarded("Add to scene", [this] { add_selected_to_scene(); }); });
	connect(results_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
		guarded("choosing a result", [this, item] {
			if (item)
				select_session(item->data(Qt::UserRole + 2).toString().toStdString(),
					       item->data(Qt::UserRole + 3).toString(),
					       std::filesystem::path(item->data(Qt::UserRole).toString().toStdString()).parent_path());
		});
	});
	connect(show, &QPushButton::clicked, this, [this] { guarded("Show in folder", [this] { show_selected_in_folder(); }); });

	auto *settings = new QGroupBox(text("ObsBgm.Settings.Label"));
	settings->setCheckable(true);
	settings->setChecked(false);
	auto *sl = new QVBoxLayout(settings);
	auto *settings_body = new QWidget;
	auto *sb = new QVBoxLayout(settings_body);
	sb->setContentsMargins(0, 0, 0, 0);
	sb->addWidget(new QLabel(text("ObsBgm.Settings.OutputDir")));
	auto *dir_row = new QHBoxLayout;
	output_dir_ = new QLineEdit;
	auto *browse = new QPushButton(text("ObsBgm.Settings.Browse"));
	dir_row->addWidget(output_dir_, 1);
	dir_row->addWidget(browse);
	sb->addLayout(dir_row);
	connect(browse, &QPushButton::clicked, this, [this] {
		const QString dir = QFileDialog::getExistingDirectory(this, text("ObsBgm.Settings.OutputDir"), output_dir_->text());
		if (!dir.isEmpty()) {
			output_dir_->setText(dir);
			save_settings_from_ui();
		}
	});
	auto_score_ = new QCheckBox(text("ObsBgm.Settings.AutoScore"));
	score_replays_ = new QCheckBox(text("ObsBgm.Settings.ScoreReplays"));
	sb->addWidget(auto_score_);
	sb->addWidget(score_replays_);
	sb->addWidget(new QLabel(text("ObsBgm.Settings.SoundFont")));
	soundfont_ = new QLineEdit;
	sb->addWidget(soundfont_);
	sb->addWidget(new QLabel(text("ObsBgm.Settings.Backend")));
	backend_ = new QComboBox;
	backend_->addItem(text("ObsBgm.Backend.Local"), QString(obs_bgm_keys::kBackendLocal));
	backend_->addItem(text("ObsBgm.Backend.Cloud"), QString(obs_bgm_keys::kBackendCloud));
	backend_->addItem(text("ObsBgm.Backend.Server"), QString(obs_bgm_keys::kBackendServer));
	backend_->setToolTip(text("ObsBgm.Settings.BackendHelp"));
	sb->addWidget(backend_);
	server_url_label_ = new QLabel(text("ObsBgm.Settings.ServerUrl"));
	sb->addWidget(server_url_label_);
	server_url_ = new QLineEdit;
	server_url_->setPlaceholderText("http://192.168.1.20:8765");
	sb->addWidget(server_url_);
	token_label_ = new QLabel(text("ObsBgm.Settings.Token"));
	sb->addWidget(token_label_);
	token_ = new QLineEdit;
	token_->setEchoMode(QLineEdit::Password); /* a secret: never shown in full */
	token_->setPlaceholderText(text("ObsBgm.Settings.TokenPlaceholder"));
	sb->addWidget(token_);
	sl->addWidget(settings_body);
	settings_body->setVisible(false);
	connect(settings, &QGroupBox::toggled, settings_body, &QWidget::setVisible);
	layout->addWidget(settings);
	layout->addStretch(1);

	const auto save = [this] { guarded("saving the settings", [this] { save_settings_from_ui(); }); };
	for (QCheckBox *box : {duck_, auto_score_, score_replays_})
		connect(box, &QCheckBox::toggled, this, save);
	connect(volume_, &QSlider::sliderReleased, this, save);
	connect(style_, QOverload<int>::of(&QComboBox::activated), this, save);
	connect(output_, QOverload<int>::of(&QComboBox::activated), this, save);
	connect(output_dir_, &QLineEdit::editingFinished, this, save);
	connect(soundfont_, &QLineEdit::editingFinished, this, save);
	connect(soundfont_, &QLineEdit::editingFinished, this, [this] { guarded("checking the engine", [this] { check_status(); }); });
	const auto switch_backend = [this] {
		guarded("choosing the backend", [this] {
			show_backend_fields();
			save_settings_from_ui();
			check_status();
		});
	};
	connect(backend_, QOverload<int>::of(&QComboBox::activated), this, switch_backend);
	connect(server_url_, &QLineEdit::editingFinished, this, switch_backend);
	connect(token_, &QLineEdit::editingFinished, this, switch_backend);

	auto *scroll = new QScrollArea;
	scroll->setWidgetResizable(true);
	scroll->setFrameShape(QFrame::NoFrame);
	scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
	scroll->setWidget(content);
	auto *outer = new QVBoxLayout(this);
	outer->setContentsMargins(0, 0, 0, 0);
	outer->addWidget(scroll);
	setMinimumWidth(260);
}

void BgmDock::load_settings_into_ui()
{
	/* Setting a box fires its "changed" signal: nothing is saved until every field holds the loaded value. */
	loading_ = true;
	const PluginSettings s = BgmController::get().settings();
	const int style = style_->findData(QString::fromStdString(s.default_style));
	style_->setCurrentIndex(style < 0 ? 0 : style);
	volume_->setValue(static_cast<int>(s.music_volume * 100 + 0.5));
	volume_value_->setText(QString("%1%").arg(volume_->value()));
	duck_->setChecked(s.duck);
	output_->setCurrentIndex(s.video_output ? 0 : 1);
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

void BgmDock::save_settings_from_ui()
{
	if (loading_)
		return;
	PluginSettings s;
	s.default_style = style_->currentData().toString().toStdString();
	s.music_volume = volume_->value() / 100.0;
	s.duck = duck_->isChecked();
	s.video_output = output_->currentData().toBool();
	s.output_dir = output_dir_->text().trimmed().toStdString();
	s.auto_score = auto_score_->isChecked();
	s.score_replays = score_replays_->isChecked();
	s.soundfont = soundfont_->text().trimmed().toStdString();
	s.backend = backend_->currentData().toString().toStdString();
	s.server_url = server_url_->text().trimmed().toStdString();
	s.nemo_token = token_->text().trimmed().toStdString();
	BgmController::get().set_settings(s);
}

void BgmDock::refresh_targets()
{
	const int current = target_->currentIndex() < 0 ? kLastRecording : target_->currentData().toInt();
	auto &c = BgmController::get();
	target_->clear();
	const auto rec = c.last_recording();
	const double length = c.last_recording_seconds();
	const QString shown = rec ? file_label(*rec) + (length > 0 ? QString(" (%1:%2)").arg(static_cast<int>(length) / 60).arg(static_cast<int>(length) % 60, 2, 10, QChar('0')) : QString())
				  : QString();
	target_->addItem(rec ? text("ObsBgm.Target.LastRecording") + ": " + shown : text("ObsBgm.Target.LastRecordingNone"),
			 kLastRecording);
	target_->setItemData(0, rec ? QString::fromStdString(rec->string()) : QString(), Qt::ToolTipRole);
	if (const auto replay = c.last_replay())
		target_->addItem(text("ObsBgm.Target.LastReplay") + ": " + file_label(*replay), kLastReplay);
	const QString chosen = chosen_files_.size() == 1 ? " " + file_label(chosen_files_[0])
				: chosen_files_.size() > 1 ? " " + text("ObsBgm.Target.FileCount").arg(static_cast<qulonglong>(chosen_files_.size()))
							   : QString();
	target_->addItem(text("ObsBgm.Target.File") + chosen, kFile);
	target_->addItem(text("ObsBgm.Target.LastN").arg(last_count_), kLastRecordings);
	target_->addItem(text("ObsBgm.Target.TextOnly"), kTextOnly);
	const int index = target_->findData(current);
	target_->setCurrentIndex(index < 0 ? 0 : index);
}

void BgmDock::refresh_results()
{
	results_->clear();
	std::vector<std::filesystem::path> outputs;
	for (const auto &r : BgmController::get().results()) {
		outputs.push_back(r.output);
		const QString style = localized("ObsBgm.Style." + r.style_id, QString::fromStdString(r.style_name));
		auto *item = new QListWidgetItem(style + " · " + file_label(r.output));
		item->setData(Qt::UserRole, QString::fromStdString(r.output.string()));
		item->setData(Qt::UserRole + 1, style);
		item->setData(Qt::UserRole + 2, QString::fromStdString(r.session_id));
		item->setData(Qt::UserRole + 3, QString::fromStdString(r.summary));
		item->setToolTip(QString::fromStdString(r.output.string()) + "\n" + QString::number(r.duration_s, 'f', 1) + " s" +
				 (r.prompt.empty() ? QString() : "\n" + QString::fromStdString(r.prompt)));
		results_->addItem(item);
	}
	if (results_->count())
		results_->setCurrentRow(0);
	/* Which files are gone is looked up on the controller's worker (a slow or network folder never makes the dock
	 * wait), then marked here. */
	QPointer<BgmDock> self(this);
	const unsigned generation = ++results_generation_;
	BgmController::get().post([self, outputs, generation] {
		std::vector<bool> missing;
		for (const auto &path : outputs) {
			std::error_code ec;
			missing.push_back(!std::filesystem::exists(path, ec));
		}
		QMetaObject::invokeMethod(
			qApp,
			[self, missing, generation] {
				if (self && self->results_generation_ == generation)
					self->mark_missing_results(missing);
			},
			Qt::QueuedConnection);
	});
}

void BgmDock::mark_missing_results(const std::vector<bool> &missing)
{
	for (int i = 0; i < results_->count() && i < static_cast<int>(missing.size()); ++i) {
		if (!missing[static_cast<size_t>(i)])
			continue;
		QListWidgetItem *item = results_->item(i);
		item->setText(item->text() + " " + text("ObsBgm.Results.Missing"));
		item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
	}
}

void BgmDock::recording_finished(const QString &, bool replay)
{
	refresh_targets();
	target_->setCurrentIndex(target_->findData(replay ? kLastReplay : kLastRecording));
	const PluginSettings s = BgmController::get().settings();
	if (s.auto_score && (!replay || s.score_replays) && !job_id_)
		generate();
	else
		transcript_->appendPlainText(text("ObsBgm.Offer.ScoreIt").arg(target_->currentText()));
}

void BgmDock::generate()
{
	if (job_id_)
		return; /* one at a time from the dock */
	auto &c = BgmController::get();
	std::optional<std::filesystem::path> input;
	std::vector<std::filesystem::path> several;
	switch (target_->currentData().toInt()) {
	case kLastRecording:
		input = c.last_recording();
		if (!input) {
			transcript_->appendPlainText(text("ObsBgm.Error.NoRecording"));
			return;
		}
		break;
	case kLastReplay:
		input = c.last_replay();
		break;
	case kFile:
		if (chosen_files_.empty()) {
			transcript_->appendPlainText(text("ObsBgm.Error.NoFile"));
			return;
		}
		input = chosen_files_[0];
		several = chosen_files_;
		break;
	case kLastRecordings:
		several = c.recent_recordings(static_cast<size_t>(last_count_));
		if (several.empty()) {
			transcript_->appendPlainText(text("ObsBgm.Error.NoRecording"));
			return;
		}
		input = several[0];
		break;
	default:
		break;
	}
	const std::string prompt = prompt_->toPlainText().trimmed().toStdString();
	if (prompt.size() > bgm::kMaxPromptBytes) {
		transcript_->appendPlainText(text("ObsBgm.Error.PromptTooLong")
						     .arg(static_cast<qulonglong>(prompt.size()))
						     .arg(static_cast<qulonglong>(bgm::kMaxPromptBytes)));
		return;
	}
	save_settings_from_ui();
	const std::string style = style_->currentData().toString().toStdString();
	if (several.size() > 1)
		start_batch(several, prompt, style);
	else
		start_job(c.make_request(input, prompt, style));
}

void BgmDock::start_batch(const std::vector<std::filesystem::path> &inputs, const std::string &prompt, const std::string &style)
{
	batch_.clear();
	batch_ended_ = 0;
	batch_scored_ = 0;
	batch_failed_.clear();
	transcript_->clear();
	transcript_shown_ = 0;
	for (const auto &[input, id] : BgmController::get().submit_batch(inputs, prompt, style)) {
		if (id) {
			batch_.push_back(*id);
			continue;
		}
		batch_failed_ << file_label(input) + ": " + QString::fromStdString(id.error().message);
	}
	transcript_->appendPlainText(text("ObsBgm.Batch.Queued").arg(static_cast<qulonglong>(batch_.size())));
	if (batch_.empty())
		return;
	job_id_ = batch_.front();
	set_busy(true);
}

void BgmDock::batch_job_ended(const bgm::JobSnapshot &s)
{
	if (std::find(batch_.begin(), batch_.end(), s.id) == batch_.end())
		return;
	++batch_ended_;
	if (s.state == bgm::JobState::kDone)
		++batch_scored_;
	else {
		const QString why = s.error ? QString::fromStdString(s.error->message) : text("ObsBgm.Job.Cancelled");
		batch_failed_ << (s.request.input ? file_label(*s.request.input) : QString()) + ": " + why;
	}
	if (batch_ended_ < batch_.size())
		return;
	transcript_->appendPlainText(text("ObsBgm.Batch.Done").arg(static_cast<qulonglong>(batch_scored_)).arg(static_cast<qulonglong>(batch_.size())));
	for (const QString &line : batch_failed_)
		transcript_->appendPlainText(text("ObsBgm.Batch.Failed").arg(line));
	batch_.clear();
}

bool BgmDock::start_job(bgm::JobRequest request)
{
	const auto id = BgmController::get().submit(std::move(request));
	if (!id) {
		transcript_->appendPlainText(
			localized(std::string("ObsBgm.ErrorCode.") + bgm::error_code_name(id.error().code), QString()) + "\n" +
			QString::fromStdString(id.error().message));
		return false;
	}
	job_id_ = *id;
	transcript_->clear();
	transcript_shown_ = 0;
	set_busy(true);
	return true;
}

void BgmDock::select_session(const std::string &session_id, const QString &summary, const std::filesystem::path &folder)
{
	session_id_ = session_id;
	session_folder_ = folder;
	summary_->setText(session_id.empty() ? text("ObsBgm.Refine.Empty") : summary);
	const bool ready = !session_id.empty() && !job_id_;
	refine_->setEnabled(ready);
	export_->setEnabled(ready);
	refine_text_->setEnabled(!session_id.empty());
}

void BgmDock::refine(bool export_only)
{
	if (job_id_ || session_id_.empty())
		return;
	const std::string message = refine_text_->text().trimmed().toStdString();
	if (!export_only && message.empty())
		return;
	if (start_job(BgmController::get().make_session_request(session_id_, message, export_only, session_folder_)) && !export_only)
		refine_text_->clear();
}

void BgmDock::export_for(const std::string &preset)
{
	if (job_id_ || session_id_.empty())
		return;
	bgm::JobRequest request = BgmController::get().make_session_request(session_id_, {}, true, session_folder_);
	request.export_preset = preset;
	if (!preset.empty())
		request.export_reframe = crop_->isChecked() ? "crop" : "fit";
	start_job(std::move(request));
}

void BgmDock::set_busy(bool busy)
{
	refine_->setEnabled(!busy && !session_id_.empty());
	export_->setEnabled(!busy && !session_id_.empty());
	generate_->setEnabled(!busy);
	cancel_->setEnabled(busy);
	progress_->setVisible(busy);
	if (busy) {
		progress_->setValue(0);
		stage_->setText(text("ObsBgm.Job.Queued"));
	}
}

void BgmDock::on_job(const bgm::JobSnapshot &s)
{
	if (s.state == bgm::JobState::kDone)
		refresh_results();
	if (!job_id_ && s.state == bgm::JobState::kRunning) {
		/* A job started elsewhere (obs-websocket, the hotkey) or the next of a queue: follow it here too. */
		job_id_ = s.id;
		transcript_->clear();
		transcript_shown_ = 0;
		set_busy(true);
		const auto at = std::find(batch_.begin(), batch_.end(), s.id);
		if (at != batch_.end() && s.request.input)
			transcript_->appendPlainText(QString("[%1/%2] %3").arg(at - batch_.begin() + 1).arg(batch_.size()).arg(file_label(*s.request.input)));
	}
	if (s.id != job_id_) {
		const bool ended = s.state == bgm::JobState::kDone || s.state == bgm::JobState::kFailed || s.state == bgm::JobState::kCancelled;
		if (ended)
			batch_job_ended(s); /* a queued one cancelled before it ran */
		return;
	}
	for (; transcript_shown_ < s.transcript.size(); ++transcript_shown_)
		transcript_->appendPlainText(transcript_text(s.transcript[transcript_shown_]));
	switch (s.state) {
	case bgm::JobState::kQueued:
		stage_->setText(text("ObsBgm.Job.Queued"));
		return;
	case bgm::JobState::kRunning:
		stage_->setText(stage_text(s.stage));
		/* A remote stage without an estimate: a busy bar */
		progress_->setRange(0, s.fraction < 0 ? 0 : 100);
		if (s.fraction >= 0)
			progress_->setValue(static_cast<int>(s.fraction * 100));
		return;
	case bgm::JobState::kDone:
		stage_->setText(text("ObsBgm.Job.Done").arg(file_label(s.result->output)));
		if (!s.result->session_id.empty())
			select_session(s.result->session_id, QString::fromStdString(s.result->summary),
				       s.result->output.parent_path());
		break;
	case bgm::JobState::kFailed: {
		/* What went wrong in the user's language; the engine's own explanation (what to do) below it. */
		const std::string code = s.error ? bgm::error_code_name(s.error->code) : "internal";
		stage_->setText(text("ObsBgm.Job.Failed").arg(localized("ObsBgm.ErrorCode." + code, QString::fromStdString(code))));
		stage_->setWordWrap(true);
		if (s.error)
			transcript_->appendPlainText(QString::fromStdString(s.error->message));
		offer_action(s.error ? &*s.error : nullptr, &s.request);
		break;
	}
	case bgm::JobState::kCancelled:
		stage_->setText(text("ObsBgm.Job.Cancelled"));
		break;
	}
	job_id_ = 0;
	set_busy(false);
	batch_job_ended(s);
}

void BgmDock::add_selected_to_scene()
{
	QListWidgetItem *item = results_->currentItem();
	if (!item)
		return;
	const std::string style = item->data(Qt::UserRole + 1).toString().toStdString();
	const std::string name = add_media_source_to_current_scene(item->data(Qt::UserRole).toString().toStdString(),
								   text("ObsBgm.Source.Prefix").toStdString() + (style.empty() ? "" : " - " + style));
	transcript_->appendPlainText(name.empty() ? text("ObsBgm.Results.AddFailed")
						  : text("ObsBgm.Results.Added").arg(QString::fromStdString(name)));
}

void BgmDock::show_selected_in_folder()
{
	QListWidgetItem *item = results_->currentItem();
	if (!item)
		return;
	QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(item->data(Qt::UserRole).toString()).absolutePath()));
}
