#pragma once
// Small text helpers shared across common/. UTF-8 bytes above ASCII are left as they are, so Chinese text
// passes through unchanged. Thread: pure functions; any thread.

#include <string>
#include <string_view>

namespace bgm {

std::string ascii_lower(std::string_view s);
// Whether `a` and `b` are equal ignoring ASCII case (header names, "Bearer", "100-continue").
bool ascii_iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);
// `s` usable as a file name everywhere: path separators and characters Windows forbids become '-'.
std::string file_safe(std::string_view s);
// `s` with every `from` replaced by `to` (from empty: unchanged).
std::string replace_all(std::string s, std::string_view from, std::string_view to);

// Seconds as a clock: 75 -> "1:15", 3600 -> "60:00" (rounded to the second).
std::string clock_text(double seconds);

}  // namespace bgm
