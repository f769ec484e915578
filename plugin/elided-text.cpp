#include "elided-text.h"

#include <QFontMetrics>
#include <QStyle>
#include <QStyleOptionButton>

namespace {

int text_width(const QFontMetrics &metrics, const QString &text)
{
#if QT_VERSION >= QT_VERSION_CHECK(5, 11, 0)
	return metrics.horizontalAdvance(text);
#else
	return metrics.width(text);
#endif
}

/* A button's frame and padding as the style draws them around `text` (empty: the frame alone). */
QSize button_size(const QPushButton &button, const QString &text)
{
	QStyleOptionButton option;
	option.initFrom(&button);
	option.text = text;
	const QSize content(text.isEmpty() ? 0 : text_width(button.fontMetrics(), text), button.fontMetrics().height());
	return button.style()->sizeFromContents(QStyle::CT_PushButton, &option, content, &button);
}

int label_frame(const QLabel &label)
{
	const QMargins m = label.contentsMargins();
	return 2 * label.margin() + m.left() + m.right();
}

} // namespace

template<> Elided<QLabel>::Elided(const QString &text, QWidget *parent) : QLabel(parent)
{
	setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); /* never widens the dock */
	setWordWrap(false);
	set_full_text(text);
}

template<> Elided<QPushButton>::Elided(const QString &text, QWidget *parent) : QPushButton(parent)
{
	setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
	set_full_text(text);
}

template<class Base> void Elided<Base>::set_full_text(const QString &text)
{
	if (text == full_ && !this->text().isEmpty())
		return; /* the same words again (a status polled twice a second): no new layout */
	full_ = text;
	this->updateGeometry();
	elide();
}

template<class Base> void Elided<Base>::set_tip(const QString &tip)
{
	tip_ = tip;
	elide();
}

template<class Base> void Elided<Base>::resizeEvent(QResizeEvent *event)
{
	Base::resizeEvent(event);
	elide();
}

template<class Base> void Elided<Base>::elide()
{
	const int room = this->room();
	const bool fits = text_width(this->fontMetrics(), full_) <= room;
	this->setText(fits ? full_ : this->fontMetrics().elidedText(full_, Qt::ElideMiddle, room));
	this->setToolTip(fits || tip_ == full_ ? tip_ : tip_.isEmpty() ? full_ : full_ + "\n" + tip_);
}

template<> int Elided<QLabel>::room() const
{
	return width() - label_frame(*this);
}

template<> QSize Elided<QLabel>::sizeHint() const
{
	return QSize(text_width(fontMetrics(), full_) + label_frame(*this) + 2, QLabel::sizeHint().height());
}

template<> QSize Elided<QLabel>::minimumSizeHint() const
{
	return QSize(text_width(fontMetrics(), "…") + 4, QLabel::minimumSizeHint().height());
}

template<> int Elided<QPushButton>::room() const
{
	return width() - button_size(*this, QString()).width();
}

template<> QSize Elided<QPushButton>::sizeHint() const
{
	return button_size(*this, full_).expandedTo(QSize(0, QPushButton::sizeHint().height()));
}

template<> QSize Elided<QPushButton>::minimumSizeHint() const
{
	return QSize(text_width(fontMetrics(), "…") + 16, sizeHint().height());
}

template class Elided<QLabel>;
template class Elided<QPushButton>;
