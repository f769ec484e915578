#include "target-picker.h"

#include <QComboBox>
#include <QFileDialog>
#include <QInputDialog>
#include <QVBoxLayout>

#include "bgm-controller.h"
#include "dock-text.h"
#include "elided-text.h"
#include "guarded-call.h"

namespace {

enum Target { kLastRecording, kLastReplay, kFile, kTextOnly, kLastRecordings };

} // namespace

TargetPicker::TargetPicker(QWidget *parent) : QWidget(parent)
{
	auto *layout = new QVBoxLayout(this);
	layout->setContentsMargins(0, 0, 0, 0);
	combo_ = new QComboBox;
	combo_->setObjectName("obsBgmTarget");
	combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
	combo_->setMinimumContentsLength(10);
	layout->addWidget(combo_);
	name_ = new ElidedLabel;
	name_->setObjectName("obsBgmTargetName");
	layout->addWidget(name_);
	connect(combo_, QOverload<int>::of(&QComboBox::activated), this,
		[this](int index) { guarded("choosing what to score", [this, index] { chosen(index); }); });
}

void TargetPicker::chosen(int index)
{
	const int kind = combo_->itemData(index).toInt();
	if (kind == kLastRecordings) {
		bool ok = false;
		const int n = QInputDialog::getInt(this, dock_text("ObsBgm.Target.LastRecordings"), dock_text("ObsBgm.Target.HowMany"),
						   last_count_, 1, 32, 1, &ok);
		if (ok)
			last_count_ = n;
	} else if (kind == kFile) {
		const QStringList files = QFileDialog::getOpenFileNames(
			this, dock_text("ObsBgm.FileDialog.Title"), QString(),
			dock_text("ObsBgm.FileDialog.Filter") + " (*.mp4 *.mov *.avi *.webm *.mkv *.jpg *.png *.gif *.webp *.mp3 *.wav *.m4a *.aac)");
		if (!files.isEmpty()) {
			files_.clear();
			for (const QString &f : files)
				files_.emplace_back(f.toStdString());
		}
	}
	refresh();
}

void TargetPicker::choose_latest(bool replay)
{
	refresh();
	const int index = combo_->findData(replay ? kLastReplay : kLastRecording);
	combo_->setCurrentIndex(index < 0 ? 0 : index);
	refresh();
}

QString TargetPicker::description() const
{
	return name_->full_text();
}

TargetPicker::Inputs TargetPicker::inputs() const
{
	auto &c = BgmController::get();
	Inputs in;
	switch (combo_->currentData().toInt()) {
	case kLastRecording:
		in.input = c.last_recording();
		if (!in.input)
			in.missing = "ObsBgm.Error.NoRecording";
		break;
	case kLastReplay:
		in.input = c.last_replay();
		break;
	case kFile:
		if (files_.empty())
			in.missing = "ObsBgm.Error.NoFile";
		else
			in.input = files_[0], in.several = files_;
		break;
	case kLastRecordings:
		in.several = c.recent_recordings(static_cast<size_t>(last_count_));
		if (in.several.empty())
			in.missing = "ObsBgm.Error.NoRecording";
		else
			in.input = in.several[0];
		break;
	default:
		break;
	}
	return in;
}

void TargetPicker::refresh()
{
	const int current = combo_->currentIndex() < 0 ? kLastRecording : combo_->currentData().toInt();
	auto &c = BgmController::get();
	combo_->clear();
	combo_->addItem(dock_text("ObsBgm.Target.LastRecording"), kLastRecording);
	if (c.last_replay())
		combo_->addItem(dock_text("ObsBgm.Target.LastReplay"), kLastReplay);
	combo_->addItem(dock_text("ObsBgm.Target.File"), kFile);
	combo_->addItem(dock_text("ObsBgm.Target.LastN").arg(last_count_), kLastRecordings);
	combo_->addItem(dock_text("ObsBgm.Target.TextOnly"), kTextOnly);
	const int index = combo_->findData(current);
	combo_->setCurrentIndex(index < 0 ? 0 : index);

	/* Under the choice, what it means: the file's name and length, or how many. */
	QString name;
	QString path;
	QString button = dock_text("ObsBgm.Main.ScoreRecording");
	switch (combo_->currentData().toInt()) {
	case kLastRecording:
		if (const auto rec = c.last_recording()) {
			const double length = c.last_recording_seconds();
			name = file_name_text(*rec) + (length > 0 ? " · " + clock_text(length) : QString());
			path = QString::fromStdString(rec->string());
		} else {
			name = dock_text("ObsBgm.Target.NoneYet");
		}
		break;
	case kLastReplay:
		if (const auto replay = c.last_replay())
			name = file_name_text(*replay), path = QString::fromStdString(replay->string());
		button = dock_text("ObsBgm.Main.ScoreReplay");
		break;
	case kFile:
		name = files_.size() == 1 ? file_name_text(files_[0])
		       : files_.size() > 1 ? dock_text("ObsBgm.Target.FileCount").arg(static_cast<qulonglong>(files_.size()))
						  : dock_text("ObsBgm.Target.NoFileYet");
		if (files_.size() == 1)
			path = QString::fromStdString(files_[0].string());
		button = files_.size() > 1 ? dock_text("ObsBgm.Main.ScoreFiles").arg(static_cast<qulonglong>(files_.size()))
						  : dock_text("ObsBgm.Main.ScoreFile");
		break;
	case kLastRecordings:
		name = dock_text("ObsBgm.Target.OneAfterAnother");
		button = dock_text("ObsBgm.Main.ScoreFiles").arg(last_count_);
		break;
	default:
		name = dock_text("ObsBgm.Target.FromWords");
		button = dock_text("ObsBgm.Main.MakeMusic");
		break;
	}
	name_->set_full_text(name);
	name_->set_tip(path);
	emit main_action_changed(button);
}
