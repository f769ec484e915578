#include "live-panel.h"

#include <obs-frontend-api.h>
#include <obs-module.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include "dock-text.h"
#include "elided-text.h"
#include "guarded-call.h"
#include "live-source.h"
#include "settings-keys.h"

LivePanel::LivePanel(QWidget *parent) : QWidget(parent)
{
	auto *layout = new QVBoxLayout(this);
	now_ = new QLabel;
	now_->setWordWrap(true);
	now_->setObjectName("obsBgmLiveNow");
	layout->addWidget(now_);
	auto *mood_row = new QHBoxLayout;
	mood_ = new QLineEdit;
	mood_->setPlaceholderText(dock_text("ObsBgm.Live.MoodPlaceholder"));
	set_mood_ = new ElidedButton(dock_text("ObsBgm.Live.SetMood"));
	mood_row->addWidget(mood_, 1);
	mood_row->addWidget(set_mood_);
	layout->addLayout(mood_row);
	auto *buttons = new QHBoxLayout;
	start_ = new ElidedButton(dock_text("ObsBgm.Live.Start"));
	stop_ = new ElidedButton(dock_text("ObsBgm.Live.Stop"));
	buttons->addWidget(start_);
	buttons->addWidget(stop_);
	layout->addLayout(buttons);
	add_ = new ElidedButton(dock_text("ObsBgm.Live.Add"));
	layout->addWidget(add_);
	layout->addStretch(1);

	connect(start_, &QPushButton::clicked, this, [this] { guarded("starting the live music", [this] { live_start_all(), refresh(); }); });
	connect(stop_, &QPushButton::clicked, this, [this] { guarded("stopping the live music", [this] { live_stop_all(), refresh(); }); });
	connect(set_mood_, &QPushButton::clicked, this, [this] { guarded("the live music's mood", [this] { set_mood(); }); });
	connect(mood_, &QLineEdit::returnPressed, this, [this] { guarded("the live music's mood", [this] { set_mood(); }); });
	connect(add_, &QPushButton::clicked, this, [this] { guarded("adding the live music", [this] { add_to_scene(); }); });
	timer_ = new QTimer(this);
	connect(timer_, &QTimer::timeout, this, [this] { guarded("the live music's status", [this] { refresh(); }); });
	timer_->start(500);
	refresh();
}

void LivePanel::refresh()
{
	const auto sources = live_status_all();
	add_->setVisible(sources.empty());
	now_->setVisible(!sources.empty());
	mood_->setVisible(!sources.empty());
	set_mood_->setVisible(!sources.empty());
	start_->setVisible(!sources.empty());
	stop_->setVisible(!sources.empty());
	if (sources.empty())
		return; /* one button: add live music to this scene */
	const live_source_status &s = sources.front();
	QString line;
	if (!s.error.empty())
		line = dock_text("ObsBgm.Live.Error").arg(QString::fromStdString(s.error));
	else if (!s.playing)
		line = dock_text("ObsBgm.Live.Stopped");
	else if (!s.ready)
		line = dock_text("ObsBgm.Live.Loading");
	else
		line = dock_text("ObsBgm.Live.NowPlaying")
			       .arg(QString::fromStdString(s.style), QString::fromStdString(s.mood.empty() ? s.key : s.mood + " · " + s.key))
			       .arg(s.tempo_bpm, 0, 'f', 0)
			       .arg(clock_text(s.seconds));
	if (s.playing && s.voice)
		line += dock_text("ObsBgm.Live.Ducked");
	if (!s.prompt.empty())
		line += "\n" + dock_text("ObsBgm.Live.Asked").arg(QString::fromStdString(s.prompt));
	now_->setText(line);
}

void LivePanel::set_mood()
{
	const std::string mood = mood_->text().trimmed().toStdString();
	if (mood.empty())
		return;
	const std::string error = live_set_mood_all(mood);
	if (!error.empty())
		now_->setText(dock_text("ObsBgm.Live.Error").arg(QString::fromStdString(error)));
	else
		mood_->clear();
}

void LivePanel::add_to_scene()
{
	obs_source_t *scene_source = obs_frontend_get_current_scene();
	obs_scene_t *scene = obs_scene_from_source(scene_source);
	if (scene) {
		obs_source_t *live = obs_source_create(obs_bgm_keys::kLiveSourceId, obs_module_text("ObsBgm.Live.Name"), nullptr, nullptr);
		if (live) {
			obs_scene_add(scene, live);
			obs_source_release(live);
		}
	}
	obs_source_release(scene_source);
	refresh();
}
