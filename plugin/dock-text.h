#pragma once
/* The dock's words: every visible string comes from the locale files (data/locale/en-US.ini, zh-CN.ini) through these.
 * Thread: the OBS UI thread (the locale is read once when the module loads). */

#include <QString>

#include <filesystem>
#include <string>

class QLabel;

/* The locale's text for `key`. */
QString dock_text(const char *key);
/* The locale's text for `key`, or `fallback` when the locale has no such key. */
QString dock_localized(const std::string &key, const QString &fallback);
/* A length as a clock: "0:20", "12:05". */
QString clock_text(double seconds);
/* A file's name without its folder, as the dock shows it. */
QString file_name_text(const std::filesystem::path &file);
/* A label whose words wrap at the dock's width. */
QLabel *wrapped_label(const QString &words);
