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

/* The text to show in `room` pixels (the whole text, or shortened in the middle) and the tooltip that goes with it:
 * `tip` alone when the text fits, else the whole text first. */
struct Shown {
	QString text;
	QString tooltip;
};

Shown elide_middle(const QFontMetrics &metrics, const QString &full, int room, const QString &tip)
{
	if (text_width(metrics, full) <= room)
		return {full, tip};
	return {metrics.elidedText(full, Qt::ElideMiddle, room), tip.isEmpty() || tip == full ? full : full + "\n" + tip};
}

} // namespace

ElidedLabel::ElidedLabel(QWidget *parent) : QLabel(parent)
{
	setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
	setWordWrap(false);
}

void ElidedLabel::set_full_text(const QString &text)
{
	full_ = text;
	updateGeometry();
	elide();
}

void ElidedLabel::set_tip(const QString &tip)
{
	tip_ = tip;
	elide();
}

QSize ElidedLabel::minimumSizeHint() const
{
	return QSize(text_width(fontMetrics(), "…") + 4, QLabel::minimumSizeHint().height());
}

QSize ElidedLabel::sizeHint() const
{
	const QMargins m = contentsMargins();
	return QSize(text_width(fontMetrics(), full_) + 2 * margin() + m.left() + m.right() + 2, QLabel::sizeHint().height());
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
	QLabel::resizeEvent(event);
	elide();
}

void ElidedLabel::elide()
{
	const Shown shown = elide_middle(fontMetrics(), full_, contentsRect().width() - 2 * margin(), tip_);
	setText(shown.text);
	setToolTip(shown.tooltip);
}

ElidedButton::ElidedButton(const QString &text, QWidget *parent) : QPushButton(parent)
{
	setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
	set_full_text(text);
}

void ElidedButton::set_full_text(const QString &text)
{
	full_ = text;
	updateGeometry();
	elide();
}

void ElidedButton::set_tip(const QString &tip)
{
	tip_ = tip;
	elide();
}

QSize ElidedButton::sizeHint() const
{
	/* The hint of the whole text, whatever is shown now. */
	QStyleOptionButton option;
	option.initFrom(this);
	option.text = full_;
	const QSize content(text_width(fontMetrics(), full_), fontMetrics().height());
	return style()->sizeFromContents(QStyle::CT_PushButton, &option, content, this).expandedTo(QSize(0, QPushButton::sizeHint().height()));
}

QSize ElidedButton::minimumSizeHint() const
{
	return QSize(text_width(fontMetrics(), "…") + 16, sizeHint().height());
}

void ElidedButton::resizeEvent(QResizeEvent *event)
{
	QPushButton::resizeEvent(event);
	elide();
}

void ElidedButton::elide()
{
	/* The room for text inside the button's frame and padding, as the style draws it. */
	QStyleOptionButton option;
	option.initFrom(this);
	const QSize frame = style()->sizeFromContents(QStyle::CT_PushButton, &option, QSize(0, 0), this);
	const Shown shown = elide_middle(fontMetrics(), full_, width() - frame.width(), tip_);
	setText(shown.text);
	setToolTip(shown.tooltip);
}
