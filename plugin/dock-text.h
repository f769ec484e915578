#pragma once
/* The dock's words: every visible string comes from the locale files (data/locale/en-US.ini, zh-CN.ini) through these.
 * Thread: the OBS UI thread (the locale is read once when the module loads). */

#include <QString>

#include <string>

/* The locale's text for `key`. */
QString dock_text(const char *key);
/* The locale's text for `key`, or `fallback` when the locale has no such key. */
QString dock_localized(const std::string &key, const QString &fallback);
/* A length as a clock: "0:20", "12:05". */
QString clock_text(double seconds);
