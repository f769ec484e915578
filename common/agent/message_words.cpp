#include "agent/message_words.h"

#include <cctype>
#include <cmath>

#include "spec/prompt_parser.h"

namespace bgm {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '\''; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A number at `i` ("30", "2.5"); advances i past it.
std::optional<double> read_number(const std::string& s, size_t& i) {
  const size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == start) return std::nullopt;
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (i - start > 9) return std::nullopt;
  return std::stod(s.substr(start, i - start));
}

void skip_spaces(const std::string& s, size_t& i) {
  while (i < s.size() && s[i] == ' ') ++i;
}

bool starts_with_at(const std::string& s, size_t i, std::string_view w) { return s.compare(i, w.size(), w) == 0; }

// A time at `i`: "m:ss", "h:mm:ss", or a number with a seconds unit ("30s", "30 sec", "30 seconds", "30秒"),
// or a number with a minutes unit ("1 min", "1分钟"). A bare number is read only when `bare` is true.
std::optional<double> read_time(const std::string& s, size_t& i, bool bare) {
  size_t j = i;
  auto first = read_number(s, j);
  if (!first) return std::nullopt;
  if (j < s.size() && s[j] == ':' && j + 1 < s.size() && is_digit(s[j + 1])) {
    ++j;
    auto second = read_number(s, j);
    double t = *first * 60 + second.value_or(0);
    if (j < s.size() && s[j] == ':' && j + 1 < s.size() && is_digit(s[j + 1])) {
      ++j;
      auto third = read_number(s, j);
      t = *first * 3600 + second.value_or(0) * 60 + third.value_or(0);
    }
    i = j;
    return t;
  }
  size_t k = j;
  skip_spaces(s, k);
  for (std::string_view unit : {"seconds", "second", "secs", "sec", "秒钟", "秒", "s"}) {
    if (starts_with_at(s, k, unit) && (k + unit.size() >= s.size() || !std::isalpha(static_cast<unsigned char>(s[k + unit.size()])) ||
                                       static_cast<unsigned char>(unit[0]) >= 0x80)) {
      i = k + unit.size();
      return *first;
    }
  }
  for (std::string_view unit : {"minutes", "minute", "mins", "min", "分钟"}) {
    if (starts_with_at(s, k, unit)) {
      i = k + unit.size();
      return *first * 60;
    }
  }
  if (!bare) return std::nullopt;
  i = j;
  return *first;
}

}  // namespace

std::string normalize_message(std::string_view message) {
  std::string out;
  const std::string_view m = message.substr(0, kMaxPromptBytes);
  constexpr std::string_view kCurlyApostrophe = "\xE2\x80\x99";  // read as a straight one ("don’t")
  out.reserve(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    const char c = m[i];
    if (m.compare(i, kCurlyApostrophe.size(), kCurlyApostrophe) == 0) {
      out.push_back('\'');
      i += kCurlyApostrophe.size() - 1;
      continue;
    }
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool space = l == ' ' || l == '\t' || l == '\n' || l == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<unsigned char>(c) < 0x80 ? l : c);
    }
  }
  return out;
}

bool has_any(const std::string& s, const std::vector<std::string_view>& words) {
  for (std::string_view w : words) {
    if (w.empty()) continue;
    const bool ascii = static_cast<unsigned char>(w[0]) < 0x80;
    for (size_t p = s.find(w); p != std::string::npos; p = s.find(w, p + 1)) {
      if (!ascii) return true;
      const bool left = p == 0 || !is_word_char(s[p - 1]);
      const bool right = p + w.size() >= s.size() || !is_word_char(s[p + w.size()]);
      if (left && right) return true;
    }
  }
  return false;
}

std::optional<double> find_percent(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.'))) continue;
    size_t j = i;
    auto n = read_number(s, j);
    if (!n) continue;
    size_t k = j;
    skip_spaces(s, k);
    if (starts_with_at(s, k, "%") || starts_with_at(s, k, "percent") || starts_with_at(s, k, "\xEF\xBC\x85")) {
      if (*n >= 0 && *n <= 100) return *n;
    }
    i = j;
  }
  return std::nullopt;
}

std::optional<std::string> find_quoted(std::string_view m) {
  m = m.substr(0, kMaxPromptBytes);
  static const std::pair<std::string_view, std::string_view> pairs[] = {
      {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE2\x80\x98", "\xE2\x80\x99"}, {"\xE3\x80\x8C", "\xE3\x80\x8D"},
      {"\xE3\x80\x8A", "\xE3\x80\x8B"}, {"\"", "\""}, {"'", "'"}};
  size_t best = std::string_view::npos;
  std::optional<std::string> found;
  for (const auto& [open, close] : pairs) {
    size_t a = m.find(open);
    // A straight apostrophe inside a word ("don't") does not open a quote.
    while (open == "'" && a != std::string_view::npos && a > 0 && std::isalpha(static_cast<unsigned char>(m[a - 1])))
      a = m.find(open, a + 1);
    if (a == std::string_view::npos || a >= best) continue;
    size_t b = m.find(close, a + open.size());
    while (close == "'" && b != std::string_view::npos && b + 1 < m.size() && std::isalpha(static_cast<unsigned char>(m[b + 1])) &&
           b > 0 && std::isalpha(static_cast<unsigned char>(m[b - 1])))
      b = m.find(close, b + 1);
    if (b == std::string_view::npos) continue;
    std::string text(m.substr(a + open.size(), b - a - open.size()));
    if (text.empty() || text.size() > 200) continue;
    best = a;
    found = std::move(text);
  }
  return found;
}

std::optional<TimeSpan> find_time_range(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ':'))) continue;
    size_t j = i;
    auto a = read_time(s, j, true);
    if (!a) continue;
    size_t k = j;
    skip_spaces(s, k);
    bool joined = false;
    for (std::string_view w : {"to", "-", "until", "till", "through", "\xE5\x88\xB0", "\xE8\x87\xB3", "~", "\xE2\x80\x93"}) {
      if (starts_with_at(s, k, w)) {
        k += w.size();
        joined = true;
        break;
      }
    }
    if (!joined) {
      i = j;
      continue;
    }
    skip_spaces(s, k);
    size_t e = k;
    auto b = read_time(s, e, true);
    if (!b) continue;
    // "30 to 45s": the unit of the second applies to the first; both bare numbers are not a time range.
    const bool timed = s.substr(i, e - i).find_first_of(":s") != std::string::npos || s.substr(i, e - i).find("\xE7\xA7\x92") != std::string::npos ||
                       s.substr(i, e - i).find("min") != std::string::npos;
    if (!timed) continue;
    if (*b > *a) return TimeSpan{*a, *b};
  }
  return std::nullopt;
}

std::optional<double> find_seconds(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i]) || (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ':'))) continue;
    size_t j = i;
    if (auto t = read_time(s, j, false); t && *t > 0) return t;
    i = j;
  }
  return std::nullopt;
}

std::optional<int> find_height(const std::string& s) {
  if (has_any(s, {"4k", "2160p"})) return 2160;
  for (int h : {1440, 1080, 720, 480, 360}) {
    if (has_any(s, {std::to_string(h) + "p"})) return h;
  }
  return std::nullopt;
}

}  // namespace bgm
