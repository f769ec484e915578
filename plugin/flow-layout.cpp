#include "flow-layout.h"

#include <QWidget>

#include <algorithm>

FlowLayout::FlowLayout(QWidget *parent, int spacing) : QLayout(parent), spacing_(spacing)
{
	setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout()
{
	while (QLayoutItem *item = takeAt(0))
		delete item;
}

void FlowLayout::addItem(QLayoutItem *item)
{
	items_.append(item);
}

int FlowLayout::count() const
{
	return static_cast<int>(items_.size());
}

QLayoutItem *FlowLayout::itemAt(int index) const
{
	return index >= 0 && index < items_.size() ? items_.at(index) : nullptr;
}

QLayoutItem *FlowLayout::takeAt(int index)
{
	return index >= 0 && index < items_.size() ? items_.takeAt(index) : nullptr;
}

Qt::Orientations FlowLayout::expandingDirections() const
{
	return {};
}

bool FlowLayout::hasHeightForWidth() const
{
	return true;
}

int FlowLayout::heightForWidth(int width) const
{
	return arrange(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::minimumSize() const
{
	/* Narrow enough for any dock: a line holds at least the narrowest sensible item. */
	QSize size;
	for (const QLayoutItem *item : items_)
		size = size.expandedTo(QSize(std::min(item->minimumSize().width(), 80), item->minimumSize().height()));
	const QMargins m = contentsMargins();
	return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const
{
	/* As narrow as the widest item: a flow asks nothing of the dock's width, it uses what it gets. */
	int width = 0;
	for (const QLayoutItem *item : items_)
		width = std::max(width, item->sizeHint().width());
	const QMargins m = contentsMargins();
	width += m.left() + m.right();
	return QSize(width, heightForWidth(width));
}

void FlowLayout::setGeometry(const QRect &rect)
{
	QLayout::setGeometry(rect);
	arrange(rect, true);
}

int FlowLayout::arrange(const QRect &rect, bool apply) const
{
	const QRect area = rect.marginsRemoved(contentsMargins());
	int x = area.x();
	int y = area.y();
	int line_height = 0;
	for (QLayoutItem *item : items_) {
		if (item->widget() && item->widget()->isHidden())
			continue;
		const QSize hint = item->sizeHint();
		const int width = std::min(hint.width(), area.width());
		if (x > area.x() && x + width > area.right() + 1) {
			x = area.x();
			y += line_height + spacing_;
			line_height = 0;
		}
		if (apply)
			item->setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())));
		x += width + spacing_;
		line_height = std::max(line_height, hint.height());
	}
	const QMargins m = contentsMargins();
	return y + line_height - rect.y() + m.bottom();
}
