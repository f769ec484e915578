#include "bgm-dock.h"

#include <obs-module.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <optional>

#include "bgm-controller.h"
#include "dock-text.h"
#include "elided-text.h"
#include "flow-layout.h"
#include "guarded-call.h"
#include "live-panel.h"
#include "media-import.h"
#include "results-panel.h"
#include "settings-keys.h"
#include "settings-panel.h"
#include "target-picker.h"
#include "spec/prompt_parser.h"
#include "spec/style_catalog.h"

namespace {

/* The tabs, in order, by the names obs-websocket's ShowDock uses. */
const char *const kTabs[] = {"score", "results", "live", "settings"};

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
	return dock_text(key.c_str());
}

/* A transcript line in the user's language: its sentence from the locale, its "@..." arguments translated too;
 * the engine's English when the locale has no sentence for it. */
QString transcript_text(const bgm::TranscriptLine &line)
{
	QString sentence = dock_localized("ObsBgm.Transcript." + line.id, QString());
	if (sentence.isEmpty())
		return QString::fromStdString(line.text);
	for (const std::string &arg : line.args) {
		if (!arg.empty() && arg[0] == '@')
			sentence = sentence.arg(dock_localized("ObsBgm." + arg.substr(1), QString::fromStdString(arg.substr(arg.find('.') + 1))));
		else
			sentence = sentence.arg(QString::fromStdString(arg));
	}
	return sentence;
}

/* A tab's content, scrolled vertically when the dock is short, never sideways. */
QScrollArea *scrolled(QWidget *content)
{
	auto *scroll = new QScrollArea;
	scroll->setWidgetResizable(true);
	scroll->setFrameShape(QFrame::NoFrame);
	scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
	scroll->setWidget(content);
	return scroll;
}

} // namespace

BgmDock::BgmDock(QWidget *parent) : QWidget(parent)
{
	setObjectName("obsBgmDockContent");
	build_ui();
	load_settings_into_ui();
	target_->refresh();
	results_->refresh();

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

BgmDock::~BgmDock()
{
	BgmController::get().set_job_listener({});
}

void BgmDock::check_status()
{
	/* Checked by the controller, off the UI thread; shown here through a queued call. */
	status_->set_full_text(dock_text("ObsBgm.Status.Connecting"));
	QPointer<BgmDock> self(this);
	offer_action(nullptr);
	BgmController::get().check_status([self](const bgm::Result<bgm::BackendStatus> &status) {
		QString line;
		if (status) {
			/* "Ready · NemoVideo · 87 credits (3 in use)"; the local engine has no credits */
			QString name = status->name == "Local engine" ? dock_text("ObsBgm.Backend.Local")
								       : QString::fromStdString(status->name);
			if (status->credits)
				name += " · " + dock_text("ObsBgm.Status.Credits")
							.arg(static_cast<long long>(status->credits->available))
							.arg(static_cast<long long>(status->credits->frozen));
			line = dock_text("ObsBgm.Status.Ready").arg(name);
		} else {
			line = dock_text("ObsBgm.Status.Unavailable")
				       .arg(dock_localized(std::string("ObsBgm.ErrorCode.") + bgm::error_code_name(status.error().code),
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
				self->status_->set_full_text(line);
				self->status_->set_tip(detail); /* what to do, in the backend's words */
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
		action_->set_full_text(dock_text("ObsBgm.Action.SmallerCopy"));
		action_->setVisible(true);
		return;
	}
	const bool registration = error && error->action == bgm::ErrorAction::kRegister;
	action_->set_full_text(registration ? dock_text("ObsBgm.Action.Register") : dock_text("ObsBgm.Action.OpenPage"));
	action_->setVisible(!action_url_.isEmpty());
}

void BgmDock::say(const QString &line)
{
	transcript_->appendPlainText(line);
}

void BgmDock::build_ui()
{
	tabs_ = new QTabWidget;
	tabs_->setObjectName("obsBgmTabs");
	tabs_->setDocumentMode(true);
	tabs_->setElideMode(Qt::ElideRight);
	tabs_->setUsesScrollButtons(false);
	results_ = new ResultsPanel;
	settings_ = new SettingsPanel;
	tabs_->addTab(scrolled(build_score_tab()), dock_text("ObsBgm.Tab.Score"));
	tabs_->addTab(results_, dock_text("ObsBgm.Tab.Results"));
	tabs_->addTab(scrolled(new LivePanel), dock_text("ObsBgm.Tab.Live"));
	tabs_->addTab(scrolled(settings_), dock_text("ObsBgm.Tab.Settings"));
	for (int i = 0; i < tabs_->count(); ++i)
		tabs_->setTabToolTip(i, tabs_->tabText(i));

	auto *outer = new QVBoxLayout(this);
	outer->setContentsMargins(4, 4, 4, 4);
	outer->addWidget(build_top());
	outer->addWidget(tabs_, 1);
	setMinimumWidth(260);

	connect(results_, &ResultsPanel::said, this, &BgmDock::say);
	connect(settings_, &SettingsPanel::said, this, &BgmDock::say);
	connect(results_, &ResultsPanel::refine_requested, this, [this](const QString &session, const QString &message, const QString &folder) {
		guarded("Refine", [&] {
			if (!job_id_ && start_job(BgmController::get().make_session_request(session.toStdString(), message.toStdString(), false,
											    folder.toStdString())))
				results_->refine_started();
		});
	});
	connect(results_, &ResultsPanel::export_requested, this, [this](const QString &session, const QString &preset, bool crop, const QString &folder) {
		guarded("Export", [&] {
			if (job_id_)
				return;
			bgm::JobRequest request = BgmController::get().make_session_request(session.toStdString(), {}, true, folder.toStdString());
			request.export_preset = preset.toStdString();
			if (!preset.isEmpty())
				request.export_reframe = crop ? "crop" : "fit";
			start_job(std::move(request));
		});
	});
	connect(settings_, &SettingsPanel::changed, this, [this] { guarded("saving the settings", [this] { save_settings_from_ui(); }); });
	connect(settings_, &SettingsPanel::backend_changed, this, [this] {
		guarded("choosing the backend", [this] {
			save_settings_from_ui();
			check_status();
		});
	});
}

QWidget *BgmDock::build_top()
{
	auto *top = new QWidget;
	auto *layout = new QVBoxLayout(top);
	layout->setContentsMargins(0, 0, 0, 0);
	status_ = new ElidedLabel();
	status_->setObjectName("obsBgmStatus");
	layout->addWidget(status_);
	action_ = new ElidedButton(QString());
	action_->setVisible(false);
	layout->addWidget(action_);
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

	/* Said once: what the analyzer gives, and an offer to add it to every scene. */
	analyzer_offer_ = new QWidget;
	analyzer_offer_->setObjectName("obsBgmAnalyzerOffer");
	auto *offer = new QVBoxLayout(analyzer_offer_);
	offer->setContentsMargins(0, 0, 0, 0);
	offer->addWidget(wrapped_label(dock_text("ObsBgm.Analyzer.Offer")));
	auto *offer_buttons = new FlowLayout;
	auto *add_everywhere = new ElidedButton(dock_text("ObsBgm.Analyzer.EveryScene"));
	add_everywhere->setObjectName("obsBgmAnalyzerEveryScene");
	auto *not_now = new ElidedButton(dock_text("ObsBgm.Analyzer.NotNow"));
	offer_buttons->addWidget(add_everywhere);
	offer_buttons->addWidget(not_now);
	offer->addLayout(offer_buttons);
	analyzer_offer_->setVisible(false);
	layout->addWidget(analyzer_offer_);
	connect(add_everywhere, &QPushButton::clicked, this, [this] {
		guarded("adding the analyzer", [this] {
			const int n = add_analyzer_to_every_scene(dock_text("ObsBgm.Filter.Name").toStdString());
			say(dock_text("ObsBgm.Analyzer.Added").arg(n));
			analyzer_offer_->setVisible(false);
		});
	});
	connect(not_now, &QPushButton::clicked, analyzer_offer_, &QWidget::hide);

	/* What to score, and the button that scores it. */
	target_ = new TargetPicker;
	layout->addWidget(target_);
	auto *buttons = new QHBoxLayout;
	generate_ = new ElidedButton(dock_text("ObsBgm.Main.ScoreRecording"));
	generate_->setObjectName("obsBgmGenerate");
	generate_->setDefault(true);
	connect(target_, &TargetPicker::main_action_changed, generate_, &ElidedButton::set_full_text);
	cancel_ = new QPushButton(dock_text("ObsBgm.Cancel"));
	cancel_->setObjectName("obsBgmCancel");
	cancel_->setEnabled(false);
	buttons->addWidget(generate_, 1);
	buttons->addWidget(cancel_);
	layout->addLayout(buttons);
	/* Through guarded calls: an exception out of a Qt slot would end OBS. */
	connect(generate_, &QPushButton::clicked, this, [this] { guarded("Generate", [this] { generate(); }); });
	connect(cancel_, &QPushButton::clicked, this, [this] {
		if (job_id_)
			BgmController::get().cancel(job_id_);
	});
	progress_ = new QProgressBar;
	progress_->setObjectName("obsBgmProgress");
	progress_->setRange(0, 100);
	progress_->setVisible(false);
	layout->addWidget(progress_);
	stage_ = wrapped_label(QString());
	stage_->setObjectName("obsBgmStage");
	stage_->setVisible(false);
	layout->addWidget(stage_);

	prompt_ = new QPlainTextEdit;
	prompt_->setObjectName("obsBgmPrompt");
	prompt_->setPlaceholderText(dock_text("ObsBgm.Prompt.Placeholder"));
	prompt_->setFixedHeight(prompt_->fontMetrics().lineSpacing() * 3 + 12);
	layout->addWidget(prompt_);
	auto *chips = new FlowLayout;
	for (const char *key : {"ObsBgm.Chip.1", "ObsBgm.Chip.2", "ObsBgm.Chip.3"}) {
		const QString words = dock_text(key);
		auto *chip = new ElidedButton(dock_text((std::string(key) + ".Label").c_str()));
		chip->setObjectName("obsBgmChip");
		chip->set_tip(words);
		connect(chip, &QPushButton::clicked, this, [this, words] { prompt_->setPlainText(words); });
		chips->addWidget(chip);
	}
	layout->addLayout(chips);
	return top;
}

QWidget *BgmDock::build_score_tab()
{
	auto *tab = new QWidget;
	auto *layout = new QVBoxLayout(tab);
	layout->addWidget(new QLabel(dock_text("ObsBgm.Style.Label")));
	style_ = new QComboBox;
	style_->addItem(dock_text("ObsBgm.Style.Auto"), QString());
	for (const auto &s : bgm::StyleCatalog::builtin().styles())
		style_->addItem(dock_text(("ObsBgm.Style." + s.id).c_str()), QString::fromStdString(s.id));
	layout->addWidget(style_);
	auto *vol_row = new QHBoxLayout;
	vol_row->addWidget(new QLabel(dock_text("ObsBgm.Volume.Label")));
	volume_ = new QSlider(Qt::Horizontal);
	volume_->setRange(0, 100);
	volume_value_ = new QLabel;
	connect(volume_, &QSlider::valueChanged, this, [this](int v) { volume_value_->setText(QString("%1%").arg(v)); });
	vol_row->addWidget(volume_, 1);
	vol_row->addWidget(volume_value_);
	layout->addLayout(vol_row);
	duck_ = new QCheckBox(dock_text("ObsBgm.Duck.Label"));
	layout->addWidget(duck_);
	layout->addWidget(new QLabel(dock_text("ObsBgm.Output.Label")));
	output_ = new QComboBox;
	output_->addItem(dock_text("ObsBgm.Output.Video"), true);
	output_->addItem(dock_text("ObsBgm.Output.Audio"), false);
	layout->addWidget(output_);
	layout->addWidget(new QLabel(dock_text("ObsBgm.Transcript.Label")));
	transcript_ = new QPlainTextEdit;
	transcript_->setObjectName("obsBgmTranscript");
	transcript_->setReadOnly(true);
	transcript_->setMinimumHeight(80);
	layout->addWidget(transcript_, 1);

	const auto save = [this] { guarded("saving the settings", [this] { save_settings_from_ui(); }); };
	connect(duck_, &QCheckBox::toggled, this, save);
	connect(volume_, &QSlider::sliderReleased, this, save);
	connect(style_, QOverload<int>::of(&QComboBox::activated), this, save);
	connect(output_, QOverload<int>::of(&QComboBox::activated), this, save);
	return tab;
}

static int tab_index(const std::string &tab)
{
	const auto at = std::find(std::begin(kTabs), std::end(kTabs), tab);
	return at == std::end(kTabs) ? -1 : static_cast<int>(at - std::begin(kTabs));
}

bool BgmDock::has_tab(const std::string &tab)
{
	return tab_index(tab) >= 0;
}

bool BgmDock::show_tab(const std::string &tab)
{
	const int index = tab_index(tab);
	if (index >= 0)
		tabs_->setCurrentIndex(index);
	return index >= 0;
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
	settings_->load(s);
	loading_ = false;
}

void BgmDock::save_settings_from_ui()
{
	if (loading_)
		return;
	PluginSettings s = BgmController::get().settings(); /* what the dock does not show stays as it is */
	s.default_style = style_->currentData().toString().toStdString();
	s.music_volume = volume_->value() / 100.0;
	s.duck = duck_->isChecked();
	s.video_output = output_->currentData().toBool();
	settings_->fill(s);
	BgmController::get().set_settings(s);
}

void BgmDock::recording_finished(const QString &, bool replay)
{
	target_->choose_latest(replay);
	if (!replay)
		offer_analyzer();
	const PluginSettings s = BgmController::get().settings();
	if (s.auto_score && (!replay || s.score_replays) && !job_id_)
		generate();
	else
		say(dock_text("ObsBgm.Offer.ScoreIt").arg(target_->description()));
}

void BgmDock::offer_analyzer()
{
	PluginSettings s = BgmController::get().settings();
	if (s.analyzer_offered || current_scene_has_analyzer())
		return;
	analyzer_offer_->setVisible(true);
	s.analyzer_offered = true; /* said once, whatever the answer */
	BgmController::get().set_settings(s);
}

void BgmDock::generate()
{
	if (job_id_)
		return; /* one at a time from the dock */
	auto &c = BgmController::get();
	const TargetPicker::Inputs in = target_->inputs();
	if (in.missing) {
		say(dock_text(in.missing));
		return;
	}
	const std::string prompt = prompt_->toPlainText().trimmed().toStdString();
	if (prompt.size() > bgm::kMaxPromptBytes) {
		say(dock_text("ObsBgm.Error.PromptTooLong")
						     .arg(static_cast<qulonglong>(prompt.size()))
						     .arg(static_cast<qulonglong>(bgm::kMaxPromptBytes)));
		return;
	}
	save_settings_from_ui();
	const std::string style = style_->currentData().toString().toStdString();
	if (in.several.size() > 1)
		start_batch(in.several, prompt, style);
	else
		start_job(c.make_request(in.input, prompt, style));
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
		batch_failed_ << file_name_text(input) + ": " + QString::fromStdString(id.error().message);
	}
	say(dock_text("ObsBgm.Batch.Queued").arg(static_cast<qulonglong>(batch_.size())));
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
		const QString why = s.error ? QString::fromStdString(s.error->message) : dock_text("ObsBgm.Job.Cancelled");
		batch_failed_ << (s.request.input ? file_name_text(*s.request.input) : QString()) + ": " + why;
	}
	if (batch_ended_ < batch_.size())
		return;
	say(dock_text("ObsBgm.Batch.Done").arg(static_cast<qulonglong>(batch_scored_)).arg(static_cast<qulonglong>(batch_.size())));
	for (const QString &line : batch_failed_)
		say(dock_text("ObsBgm.Batch.Failed").arg(line));
	batch_.clear();
}

bool BgmDock::start_job(bgm::JobRequest request)
{
	const auto id = BgmController::get().submit(std::move(request));
	if (!id) {
		say(
			dock_localized(std::string("ObsBgm.ErrorCode.") + bgm::error_code_name(id.error().code), QString()) + "\n" +
			QString::fromStdString(id.error().message));
		return false;
	}
	job_id_ = *id;
	transcript_->clear();
	transcript_shown_ = 0;
	set_busy(true);
	return true;
}

void BgmDock::set_busy(bool busy)
{
	results_->set_busy(busy);
	generate_->setEnabled(!busy);
	cancel_->setEnabled(busy);
	progress_->setVisible(busy);
	if (busy) {
		stage_->setVisible(false);
		progress_->setRange(0, 100);
		progress_->setValue(0);
		progress_->setFormat(dock_text("ObsBgm.Job.Queued"));
	}
}

void BgmDock::on_job(const bgm::JobSnapshot &s)
{
	if (s.state == bgm::JobState::kDone)
		results_->refresh();
	if (!job_id_ && s.state == bgm::JobState::kRunning) {
		/* A job started elsewhere (obs-websocket, the hotkey) or the next of a queue: follow it here too. */
		job_id_ = s.id;
		transcript_->clear();
		transcript_shown_ = 0;
		set_busy(true);
		const auto at = std::find(batch_.begin(), batch_.end(), s.id);
		if (at != batch_.end() && s.request.input)
			say(QString("[%1/%2] %3").arg(at - batch_.begin() + 1).arg(batch_.size()).arg(file_name_text(*s.request.input)));
	}
	if (s.id != job_id_) {
		const bool ended = s.state == bgm::JobState::kDone || s.state == bgm::JobState::kFailed || s.state == bgm::JobState::kCancelled;
		if (ended)
			batch_job_ended(s); /* a queued one cancelled before it ran */
		return;
	}
	for (; transcript_shown_ < s.transcript.size(); ++transcript_shown_)
		say(transcript_text(s.transcript[transcript_shown_]));
	switch (s.state) {
	case bgm::JobState::kQueued:
		progress_->setFormat(dock_text("ObsBgm.Job.Queued"));
		return;
	case bgm::JobState::kRunning:
		progress_->setFormat(stage_text(s.stage) + (s.fraction < 0 ? QString() : " %p%"));
		/* A remote stage without an estimate: a busy bar */
		progress_->setRange(0, s.fraction < 0 ? 0 : 100);
		if (s.fraction >= 0)
			progress_->setValue(static_cast<int>(s.fraction * 100));
		return;
	case bgm::JobState::kDone:
		stage_->setText(dock_text("ObsBgm.Job.Done").arg(file_name_text(s.result->output)));
		if (!s.result->session_id.empty())
			results_->select_session(s.result->session_id, QString::fromStdString(s.result->summary),
						 s.result->output.parent_path());
		break;
	case bgm::JobState::kFailed: {
		/* What went wrong in the user's language; the engine's own explanation (what to do) below it. */
		const std::string code = s.error ? bgm::error_code_name(s.error->code) : "internal";
		stage_->setText(dock_text("ObsBgm.Job.Failed").arg(dock_localized("ObsBgm.ErrorCode." + code, QString::fromStdString(code))));
		if (s.error)
			say(QString::fromStdString(s.error->message));
		offer_action(s.error ? &*s.error : nullptr, &s.request);
		break;
	}
	case bgm::JobState::kCancelled:
		stage_->setText(dock_text("ObsBgm.Job.Cancelled"));
		break;
	}
	stage_->setVisible(true);
	job_id_ = 0;
	set_busy(false);
	batch_job_ended(s);
}

