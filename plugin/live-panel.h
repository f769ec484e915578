#pragma once
/* The dock's Live tab: what the live sources play now (style, mood, key, tempo, whether they step back
 * under the voice), Start and Stop, a mood for now, and a button that adds a live source to the current scene when
 * there is none.
 * Thread: the OBS UI thread (the sources are asked through live-source.h, which any thread may call). */

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

class LivePanel : public QWidget {
	Q_OBJECT

public:
	explicit LivePanel(QWidget *parent = nullptr);

private:
	void refresh();
	void set_mood();
	void add_to_scene();

	QLabel *now_ = nullptr;
	QLineEdit *mood_ = nullptr;
	QPushButton *set_mood_ = nullptr;
	QPushButton *start_ = nullptr;
	QPushButton *stop_ = nullptr;
	QPushButton *add_ = nullptr;
	QTimer *timer_ = nullptr;
};
