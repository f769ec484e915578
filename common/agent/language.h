#pragma once
// The language a person wrote in, so the agent answers in it: Chinese when the message holds CJK characters,
// else English. Thread: pure functions; any thread.

#include <string_view>

namespace bgm {

enum class Language { kEnglish, kChinese };

Language detect_language(std::string_view text);
// "en" / "zh", and back ("zh-CN", "zh_TW"... are Chinese; anything else English).
const char* language_code(Language language);
Language language_from_code(std::string_view code);

}  // namespace bgm
