#pragma once
/* A label and a button whose text shortens in the middle ("2026-11-25_17…48.mkv") when the dock is too narrow for
 * it, with the whole text in the tooltip; at full width they show it all. The dock's recording names, status line,
 * suggestion chips and result buttons, so that nothing is ever cut off mid-word.
 * Thread: the OBS UI thread, as every Qt widget. */

#include <QLabel>
#include <QPushButton>
#include <QString>

class ElidedLabel : public QLabel {
	Q_OBJECT

public:
	explicit ElidedLabel(QWidget *parent = nullptr);

	void set_full_text(const QString &text);
	const QString &full_text() const { return full_; }
	/* A tooltip of its own (a file's whole path); the full text is added to it when the text is shortened. */
	void set_tip(const QString &tip);
	QSize minimumSizeHint() const override;
	QSize sizeHint() const override;

protected:
	void resizeEvent(QResizeEvent *event) override;

private:
	void elide();

	QString full_;
	QString tip_;
};

class ElidedButton : public QPushButton {
	Q_OBJECT

public:
	explicit ElidedButton(const QString &text, QWidget *parent = nullptr);

	void set_full_text(const QString &text);
	const QString &full_text() const { return full_; }
	/* A tooltip of its own (a chip's whole prompt); the full text is added to it when the text is shortened. */
	void set_tip(const QString &tip);
	QSize minimumSizeHint() const override;
	QSize sizeHint() const override;

protected:
	void resizeEvent(QResizeEvent *event) override;

private:
	void elide();

	QString full_;
	QString tip_;
};
