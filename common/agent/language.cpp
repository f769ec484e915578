#include "agent/language.h"

namespace bgm {

Language detect_language(std::string_view text) {
  // CJK Unified Ideographs (U+4E00..U+9FFF) and CJK punctuation (U+3000..U+303F, U+FF00..U+FFEF) in UTF-8.
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]), b1 = static_cast<unsigned char>(text[i + 1]);
    if (b0 >= 0xE3 && b0 <= 0xE9) return Language::kChinese;
    if (b0 == 0xEF && (b1 == 0xBC || b1 == 0xBD)) return Language::kChinese;
  }
  return Language::kEnglish;
}

const char* language_code(Language language) { return language == Language::kChinese ? "zh" : "en"; }

Language language_from_code(std::string_view code) {
  return code.size() >= 2 && (code[0] == 'z' || code[0] == 'Z') && (code[1] == 'h' || code[1] == 'H') ? Language::kChinese
                                                                                                    : Language::kEnglish;
}

}  // namespace bgm
