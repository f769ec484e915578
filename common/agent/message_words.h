#pragma once
// Reading the facts out of a person's message to the agent, in English or Chinese, by plain scanning (no regex):
// words present, a percentage, quoted text, times ("0:30", "45s", "30秒") and time ranges ("0:30 to 0:45").
// Each reader takes at most kMaxPromptBytes of the message and runs in linear time.
// Thread: pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_span.h"

namespace bgm {

// The message lower-cased (ASCII only) with runs of spaces made one, for matching words.
std::string normalize_message(std::string_view message);

// True when any of `words` occurs in the normalized message; an ASCII word must stand alone (not inside another
// word: "calm" is not in "becalmed"), a Chinese word may be anywhere.
bool has_any(const std::string& normalized, const std::vector<std::string_view>& words);

// "20%", "20 %", "20 percent", "百分之二十" is not read; "20％" (full-width) is. The first one, 0..100.
std::optional<double> find_percent(const std::string& normalized);

// Text in quotes: '...', "...", “...”, ‘...’, 「...」, 《...》. The first one, at most 200 bytes.
std::optional<std::string> find_quoted(std::string_view message);

// "0:30 to 0:45", "0:30-0:45", "from 30s to 45s", "30秒到45秒", "1:05 - 1:20".
std::optional<TimeSpan> find_time_range(const std::string& normalized);

// A single length: "for 3 seconds", "3s", "3 秒", "2.5 sec". The first one outside a range.
std::optional<double> find_seconds(const std::string& normalized);

// "1080p", "720p", "4k" -> a height.
std::optional<int> find_height(const std::string& normalized);

}  // namespace bgm
