#pragma once
/* A layout that places its items left to right and starts a new line when the next one would not fit, as words
 * wrap in a paragraph: the dock's suggestion chips and button rows at any dock width. An item wider than the whole
 * line gets the line's width (an elided button then shortens its text).
 * Thread: the OBS UI thread, as every Qt widget. */

#include <QLayout>
#include <QList>

class FlowLayout : public QLayout {
public:
	explicit FlowLayout(QWidget *parent = nullptr, int spacing = 4);
	~FlowLayout() override;

	void addItem(QLayoutItem *item) override;
	int count() const override;
	QLayoutItem *itemAt(int index) const override;
	QLayoutItem *takeAt(int index) override;
	Qt::Orientations expandingDirections() const override;
	bool hasHeightForWidth() const override;
	int heightForWidth(int width) const override;
	QSize minimumSize() const override;
	QSize sizeHint() const override;
	void setGeometry(const QRect &rect) override;

private:
	/* Places the items in `rect` (only measures when `apply` is false); returns the height used. */
	int arrange(const QRect &rect, bool apply) const;

	QList<QLayoutItem *> items_;
	int spacing_;
};
