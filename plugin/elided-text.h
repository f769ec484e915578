#pragma once
/* A label and a button whose text shortens in the middle ("2026-11-25_17…48.mkv") when the dock is too narrow for
 * it, with the whole text in the tooltip; at full width they show it all. The dock's recording names, status line,
 * suggestion chips and result buttons, so that nothing is ever cut off mid-word. One template for both: only the
 * room a widget gives its text and the width it asks for differ (specialised in elided-text.cpp).
 * Thread: the OBS UI thread, as every Qt widget. */

#include <QLabel>
#include <QPushButton>
#include <QString>

template<class Base> class Elided : public Base {
public:
	explicit Elided(const QString &text = QString(), QWidget *parent = nullptr);

	void set_full_text(const QString &text);
	const QString &full_text() const { return full_; }
	/* A tooltip of its own (a chip's whole prompt, a file's path); the full text is added to it when the text is
	 * shortened. */
	void set_tip(const QString &tip);
	QSize minimumSizeHint() const override;
	/* The size the whole text needs, whatever is shown now. */
	QSize sizeHint() const override;

protected:
	void resizeEvent(QResizeEvent *event) override;

private:
	int room() const; /* the pixels the text may take at the widget's width */
	void elide();

	QString full_;
	QString tip_;
};

using ElidedLabel = Elided<QLabel>;
using ElidedButton = Elided<QPushButton>;

/* What differs between the two (elided-text.cpp): how each is made, the room for its text, the size it asks for. */
template<> Elided<QLabel>::Elided(const QString &text, QWidget *parent);
template<> int Elided<QLabel>::room() const;
template<> QSize Elided<QLabel>::sizeHint() const;
template<> QSize Elided<QLabel>::minimumSizeHint() const;
template<> Elided<QPushButton>::Elided(const QString &text, QWidget *parent);
template<> int Elided<QPushButton>::room() const;
template<> QSize Elided<QPushButton>::sizeHint() const;
template<> QSize Elided<QPushButton>::minimumSizeHint() const;

extern template class Elided<QLabel>;
extern template class Elided<QPushButton>;
