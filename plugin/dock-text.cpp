#include "dock-text.h"

#include <obs-module.h>

#include <QLabel>

QString dock_text(const char *key)
{
	return QString::fromUtf8(obs_module_text(key));
}

QString dock_localized(const std::string &key, const QString &fallback)
{
	const char *value = obs_module_text(key.c_str());
	return value && key != value ? QString::fromUtf8(value) : fallback;
}

QString clock_text(double seconds)
{
	const int s = static_cast<int>(seconds + 0.5);
	return QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

QString file_name_text(const std::filesystem::path &file)
{
	return QString::fromStdString(file.filename().string());
}

QLabel *wrapped_label(const QString &words)
{
	auto *label = new QLabel(words);
	label->setWordWrap(true);
	return label;
}
