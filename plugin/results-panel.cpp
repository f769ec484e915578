#include "results-panel.h"

#include <obs-module.h>

#include <QApplication>
#include <QDesktopServices>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include "bgm-controller.h"
#include "dock-text.h"
#include "elided-text.h"
#include "flow-layout.h"
#include "guarded-call.h"
#include "media-import.h"
#include "media/export_preset.h"
#include "result-preview.h"

namespace {

enum Role { kPath = Qt::UserRole, kStyle, kSession, kSummary };

} // namespace

ResultsPanel::ResultsPanel(QWidget *parent) : QWidget(parent)
{
	auto *layout = new QVBoxLayout(this);
	list_ = new QListWidget;
	list_->setObjectName("obsBgmResults");
	list_->setTextElideMode(Qt::ElideMiddle);
	list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); /* long names shorten in the middle instead */
	list_->setMinimumHeight(90);
	layout->addWidget(list_, 1);

	auto *buttons = new FlowLayout;
	preview_ = new ElidedButton(dock_text("ObsBgm.Results.Preview"));
	preview_->setObjectName("obsBgmPreview");
	preview_->set_tip(dock_text("ObsBgm.Results.PreviewTip"));
	add_ = new ElidedButton(dock_text("ObsBgm.Results.AddToScene"));
	folder_ = new ElidedButton(dock_text("ObsBgm.Results.ShowInFolder"));
	buttons->addWidget(preview_);
	buttons->addWidget(add_);
	buttons->addWidget(folder_);
	layout->addLayout(buttons);

	/* The chosen result's session: its timeline, follow-ups, and Export of the timeline. */
	summary_ = new QLabel;
	summary_->setWordWrap(true);
	summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
	layout->addWidget(summary_);
	auto *refine_row = new QHBoxLayout;
	refine_text_ = new QLineEdit;
	refine_text_->setPlaceholderText(dock_text("ObsBgm.Refine.Placeholder"));
	refine_text_->setToolTip(dock_text("ObsBgm.Refine.Placeholder"));
	refine_ = new ElidedButton(dock_text("ObsBgm.Refine.Button"));
	refine_row->addWidget(refine_text_, 1);
	refine_row->addWidget(refine_);
	layout->addLayout(refine_row);
	export_ = new ElidedButton(dock_text("ObsBgm.Refine.Export"));
	layout->addWidget(export_);
	auto *export_menu = new QMenu(export_);
	const auto ask_export = [this](const QString &preset) {
		if (!busy_ && !session_id_.empty())
			emit export_requested(QString::fromStdString(session_id_), preset, crop_->isChecked(),
					      QString::fromStdString(session_folder_.string()));
	};
	export_menu->addAction(dock_text("ObsBgm.Export.AsIs"), this, [ask_export] { ask_export(QString()); });
	export_menu->addSeparator();
	for (const auto &preset : bgm::export_presets()) {
		const QString id = QString::fromStdString(preset.id);
		export_menu->addAction(dock_text(("ObsBgm.Export.Preset." + preset.id).c_str()), this, [ask_export, id] { ask_export(id); });
	}
	export_menu->addSeparator();
	crop_ = export_menu->addAction(dock_text("ObsBgm.Export.Crop"));
	crop_->setCheckable(true);
	export_->setMenu(export_menu);

	connect(preview_, &QPushButton::clicked, this, [this] { guarded("Preview", [this] { toggle_preview(); }); });
	connect(add_, &QPushButton::clicked, this, [this] { guarded("Add to scene", [this] { add_to_scene(); }); });
	connect(folder_, &QPushButton::clicked, this, [this] { guarded("Show in folder", [this] { show_in_folder(); }); });
	connect(refine_, &QPushButton::clicked, this, [this] { guarded("Refine", [this] { refine(); }); });
	connect(refine_text_, &QLineEdit::returnPressed, this, [this] { guarded("Refine", [this] { refine(); }); });
	connect(list_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
		guarded("choosing a result", [this, item] {
			if (item)
				select_session(item->data(kSession).toString().toStdString(), item->data(kSummary).toString(),
					       std::filesystem::path(item->data(kPath).toString().toStdString()).parent_path());
		});
	});
	/* The preview button says Stop while the file plays and Preview again when it has played to its end. */
	preview_timer_ = new QTimer(this);
	connect(preview_timer_, &QTimer::timeout, this, [this] { guarded("the preview", [this] { show_preview_state(); }); });
	preview_timer_->start(400);
	select_session({}, QString(), {});
}

void ResultsPanel::refresh()
{
	list_->clear();
	std::vector<std::filesystem::path> outputs;
	for (const auto &r : BgmController::get().results()) {
		outputs.push_back(r.output);
		const QString style = dock_localized("ObsBgm.Style." + r.style_id, QString::fromStdString(r.style_name));
		auto *item = new QListWidgetItem(style + " · " + clock_text(r.duration_s) + " · " +
						 QString::fromStdString(r.output.filename().string()));
		item->setData(kPath, QString::fromStdString(r.output.string()));
		item->setData(kStyle, style);
		item->setData(kSession, QString::fromStdString(r.session_id));
		item->setData(kSummary, QString::fromStdString(r.summary));
		item->setToolTip(QString::fromStdString(r.output.string()) + "\n" + style + " · " + clock_text(r.duration_s) +
				 (r.prompt.empty() ? QString() : "\n" + QString::fromStdString(r.prompt)));
		list_->addItem(item);
	}
	if (list_->count())
		list_->setCurrentRow(0);
	/* Which files are gone is looked up on the controller's worker (a slow or network folder never makes the dock
	 * wait), then marked here. */
	QPointer<ResultsPanel> self(this);
	const unsigned generation = ++generation_;
	BgmController::get().post([self, outputs, generation] {
		std::vector<bool> missing;
		for (const auto &path : outputs) {
			std::error_code ec;
			missing.push_back(!std::filesystem::exists(path, ec));
		}
		QMetaObject::invokeMethod(
			qApp,
			[self, missing, generation] {
				if (self && self->generation_ == generation)
					self->mark_missing(missing);
			},
			Qt::QueuedConnection);
	});
}

void ResultsPanel::mark_missing(const std::vector<bool> &missing)
{
	for (int i = 0; i < list_->count() && i < static_cast<int>(missing.size()); ++i) {
		if (!missing[static_cast<size_t>(i)])
			continue;
		QListWidgetItem *item = list_->item(i);
		item->setText(item->text() + " " + dock_text("ObsBgm.Results.Missing"));
		item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
	}
}

QString ResultsPanel::chosen_path() const
{
	const QListWidgetItem *item = list_->currentItem();
	return item && (item->flags() & Qt::ItemIsEnabled) ? item->data(kPath).toString() : QString();
}

void ResultsPanel::toggle_preview()
{
	ResultPreview &preview = ResultPreview::get();
	const std::string path = chosen_path().toStdString();
	const std::string playing = preview.playing();
	if (!playing.empty() && (path.empty() || playing == path)) {
		preview.stop();
	} else if (!path.empty()) {
		if (preview.play(path))
			emit said(dock_text("ObsBgm.Results.Previewing").arg(QFileInfo(QString::fromStdString(path)).fileName()));
		else
			emit said(dock_text("ObsBgm.Results.PreviewFailed"));
	}
	show_preview_state();
}

void ResultsPanel::show_preview_state()
{
	const std::string playing = ResultPreview::get().playing();
	const bool this_one = !playing.empty() && playing == chosen_path().toStdString();
	preview_->set_full_text(dock_text(this_one ? "ObsBgm.Results.StopPreview" : "ObsBgm.Results.Preview"));
	preview_->setEnabled(this_one || !chosen_path().isEmpty());
	add_->setEnabled(!chosen_path().isEmpty());
	folder_->setEnabled(list_->currentItem() != nullptr);
}

void ResultsPanel::add_to_scene()
{
	const QListWidgetItem *item = list_->currentItem();
	if (!item)
		return;
	const std::string style = item->data(kStyle).toString().toStdString();
	const std::string name = add_media_source_to_current_scene(item->data(kPath).toString().toStdString(),
								   dock_text("ObsBgm.Source.Prefix").toStdString() + (style.empty() ? "" : " - " + style));
	emit said(name.empty() ? dock_text("ObsBgm.Results.AddFailed") : dock_text("ObsBgm.Results.Added").arg(QString::fromStdString(name)));
}

void ResultsPanel::show_in_folder()
{
	const QListWidgetItem *item = list_->currentItem();
	if (item)
		QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(item->data(kPath).toString()).absolutePath()));
}

void ResultsPanel::select_session(const std::string &session_id, const QString &summary, const std::filesystem::path &folder)
{
	session_id_ = session_id;
	session_folder_ = folder;
	summary_->setText(session_id.empty() ? dock_text("ObsBgm.Refine.Empty") : summary);
	set_busy(busy_);
	show_preview_state();
}

void ResultsPanel::set_busy(bool busy)
{
	busy_ = busy;
	const bool ready = !busy && !session_id_.empty();
	refine_->setEnabled(ready);
	export_->setEnabled(ready);
	refine_text_->setEnabled(!session_id_.empty());
}

void ResultsPanel::refine()
{
	const QString message = refine_text_->text().trimmed();
	if (busy_ || session_id_.empty() || message.isEmpty())
		return;
	emit refine_requested(QString::fromStdString(session_id_), message, QString::fromStdString(session_folder_.string()));
}

void ResultsPanel::refine_started()
{
	refine_text_->clear();
}
