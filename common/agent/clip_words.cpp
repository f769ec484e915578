#include "agent/clip_words.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "agent/message_words.h"
#include "core/text.h"

namespace bgm {
namespace {

struct Ordinal {
  const char* word;
  int n;  // 1-based; -1: the last
};

constexpr Ordinal kEnglish[] = {{"first", 1}, {"second", 2}, {"third", 3}, {"fourth", 4}, {"fifth", 5}, {"sixth", 6}, {"seventh", 7},
                                {"eighth", 8}, {"ninth", 9}, {"tenth", 10}, {"1st", 1}, {"2nd", 2}, {"3rd", 3}, {"4th", 4}, {"5th", 5},
                                {"last", -1}};
constexpr const char* kClipNouns[] = {"clip", "video", "file", "recording", "one", "upload", "part"};
constexpr Ordinal kChinese[] = {{"一", 1}, {"二", 2}, {"两", 2}, {"三", 3}, {"四", 4}, {"五", 5}, {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}, {"十", 10}};

void add(ClipChoice& c, int n, size_t count) {
  if (count == 0) return;
  const size_t index = n < 0 ? count - 1 : static_cast<size_t>(n - 1);
  if (index < count && std::find(c.clips.begin(), c.clips.end(), index) == c.clips.end()) c.clips.push_back(index);
}

// The number right after `at` (spaces allowed): "clip 2", "#3".
int number_after(const std::string& s, size_t at) {
  while (at < s.size() && s[at] == ' ') ++at;
  int n = 0, digits = 0;
  while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])) && digits < 3) n = n * 10 + (s[at++] - '0'), ++digits;
  return digits && (at >= s.size() || !std::isalnum(static_cast<unsigned char>(s[at]))) ? n : 0;
}

void english_order(const std::string& s, size_t count, ClipChoice& c) {
  for (const auto& o : kEnglish) {
    for (const char* noun : kClipNouns) {
      if (has_any(s, {std::string(o.word) + " " + noun, std::string(o.word) + " " + noun + "s"})) add(c, o.n, count);
    }
  }
  for (const char* noun : kClipNouns) {
    const std::string key = std::string(noun) + " ";
    for (size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + 1)) {
      const bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(s[at - 1]));
      if (word_start)
        if (const int n = number_after(s, at + key.size()); n > 0) add(c, n, count);
    }
  }
  for (size_t at = s.find('#'); at != std::string::npos; at = s.find('#', at + 1))
    if (const int n = number_after(s, at + 1); n > 0) add(c, n, count);
}

// A counter after the number: 第二个, 第2段, 第三条视频 (not 第一次).
bool counted(const std::string& s, size_t at) {
  for (const char* counter : {"个", "段", "条", "部", "支", "视频", "片", "号"})
    if (s.compare(at, std::string(counter).size(), counter) == 0) return true;
  return false;
}

void chinese_order(const std::string& s, size_t count, ClipChoice& c) {
  for (size_t at = s.find("第"); at != std::string::npos; at = s.find("第", at + 1)) {
    size_t after = at + std::string("第").size();
    while (after < s.size() && s[after] == ' ') ++after;
    size_t digits = after;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
    if (digits > after && digits - after <= 3 && counted(s, digits)) {
      add(c, std::stoi(s.substr(after, digits - after)), count);
      continue;
    }
    for (const auto& o : kChinese) {
      const size_t length = std::string(o.word).size();
      if (s.compare(after, length, o.word) == 0 && counted(s, after + length)) add(c, o.n, count);
    }
  }
  if (s.find("最后一个") != std::string::npos || s.find("最后那个") != std::string::npos) add(c, -1, count);
}

void by_name(const std::string& s, const std::vector<std::string>& names, ClipChoice& c) {
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string file = ascii_lower(names[i]);
    const std::string stem = ascii_lower(std::filesystem::path(names[i]).stem().string());
    const bool named = has_any(s, {file}) || (stem.size() >= 3 && has_any(s, {stem}));
    if (named && std::find(c.clips.begin(), c.clips.end(), i) == c.clips.end()) c.clips.push_back(i);
  }
}

}  // namespace

ClipChoice choose_clips(const std::string& s, const std::vector<std::string>& names) {
  ClipChoice c;
  const size_t count = names.size();
  by_name(s, names, c);
  english_order(s, count, c);
  chinese_order(s, count, c);
  c.all = has_any(s, {"all of them", "all clips", "all the clips", "all videos", "all the videos", "all files", "all recordings", "every clip",
                      "every video", "each clip", "each video", "each of them", "both", "all three", "all four", "所有", "全部", "每个", "每一个",
                      "两个都", "都用"});
  c.same_music = has_any(s, {"same music", "the same track", "same song", "same piece", "same bgm", "一样的音乐", "同样的音乐", "相同的音乐",
                             "同一首", "一样的配乐"});
  if (c.same_music && c.clips.empty()) c.all = true;
  return c;
}

}  // namespace bgm
