#include "spec/prompt_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <optional>

#include "core/text.h"
#include "spec/lexicon.h"

namespace bgm {
namespace {

bool is_ascii_word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 && (std::isalnum(u) || c == '\'');
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A working copy of the prompt: lower-cased ASCII, with matched spans blanked out so that a word is used once
// ("快乐" is happy, so its "快" is not also "fast").
class Text {
 public:
  explicit Text(std::string_view prompt) : s_(ascii_lower(prompt)) {}
  const std::string& str() const { return s_; }

  // Position of `phrase` at or after `from`: whole words for ASCII phrases, any substring otherwise.
  size_t find(std::string_view phrase, size_t from = 0) const {
    const bool ascii = is_ascii(phrase);
    for (size_t pos = s_.find(phrase, from); pos != std::string::npos; pos = s_.find(phrase, pos + 1)) {
      if (!ascii) return pos;
      const bool left_ok = pos == 0 || !is_ascii_word_char(s_[pos - 1]);
      const size_t end = pos + phrase.size();
      const bool right_ok = end >= s_.size() || !is_ascii_word_char(s_[end]);
      if (left_ok && right_ok) return pos;
    }
    return std::string::npos;
  }

  void blank(size_t pos, size_t len) { std::fill_n(s_.begin() + static_cast<long>(pos), len, ' '); }

 private:
  std::string s_;
};

struct Hit {
  size_t pos = std::string::npos;
  size_t len = 0;
  std::string_view phrase;
};

// The longest listed phrase found in the text (earliest on ties).
Hit longest_hit(const Text& text, const std::vector<std::string_view>& phrases) {
  Hit best;
  for (auto phrase : phrases) {
    const size_t pos = text.find(phrase);
    if (pos == std::string::npos) continue;
    if (phrase.size() > best.len || (phrase.size() == best.len && pos < best.pos)) best = {pos, phrase.size(), phrase};
  }
  return best;
}

// Hand-written scanners over the working text: each rule reads the text once from left to right, so the time is
// linear in the prompt's length whatever it holds (std::regex recursed once per repeated character).
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_letter(char c) { return c >= 'a' && c <= 'z'; }
bool is_word(char c) { return is_digit(c) || is_lower_letter(c) || c == '_'; }  // \w on the lower-cased text

bool starts_with_at(const std::string& s, size_t at, std::string_view w) { return at <= s.size() && s.compare(at, w.size(), w) == 0; }

size_t skip_spaces(const std::string& s, size_t at, std::string_view also = {}) {
  while (at < s.size() && (std::isspace(static_cast<unsigned char>(s[at])) || also.find(s[at]) != std::string_view::npos)) ++at;
  return at;
}

// A number where one starts (not inside a run of digits): its digits before and after the point.
struct Number {
  size_t begin = 0, end = 0;  // the whole number
  size_t int_digits = 0;
  double value = 0;
};

// The numbers of `s` in order. Each is read once.
template <typename Visit>
void for_each_number(const std::string& s, Visit visit) {
  for (size_t i = 0; i < s.size();) {
    if (!is_digit(s[i])) {
      ++i;
      continue;
    }
    Number n;
    n.begin = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    n.int_digits = i - n.begin;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
    n.end = i;
    n.value = std::strtod(s.substr(n.begin, n.end - n.begin).c_str(), nullptr);
    if (!visit(n)) return;
  }
}

// The first of `words` at `at` (in the order given), or "".
std::string_view word_at(const std::string& s, size_t at, std::initializer_list<std::string_view> words,
                         bool letter_may_follow = true) {
  for (auto w : words) {
    if (!starts_with_at(s, at, w)) continue;
    if (!letter_may_follow && at + w.size() < s.size() && is_lower_letter(s[at + w.size()])) continue;
    return w;
  }
  return {};
}

struct Span {
  size_t begin = 0, end = 0;
};

// Records a match as recognised ("<what>: <the words>") and blanks it so no later rule reads it again.
void consume(Text& text, PromptFacts& facts, Span span, const char* what) {
  facts.recognised.push_back(std::string(what) + ": " + text.str().substr(span.begin, span.end - span.begin));
  text.blank(span.begin, span.end - span.begin);
}

// "35%", "35 percent", "35％": a number of one to three digits.
void parse_volume(Text& text, PromptFacts& facts) {
  const std::string& s = text.str();
  std::optional<Span> found;
  for_each_number(s, [&](const Number& n) {
    if (n.int_digits > 3) return true;
    const size_t at = skip_spaces(s, n.end);
    const auto unit = word_at(s, at, {"%", "percent", "％"});
    if (unit.empty()) return true;
    facts.music_volume = std::clamp(n.value / 100.0, 0.0, 1.0);
    found = Span{n.begin, at + unit.size()};
    return false;
  });
  if (found) consume(text, facts, *found, "music volume");
}

// "90 bpm", "90 beats per minute", "每分钟90拍": a whole number of two or three digits.
void parse_bpm(Text& text, PromptFacts& facts) {
  const std::string& s = text.str();
  std::optional<Span> found;
  for_each_number(s, [&](const Number& n) {
    if (n.int_digits < 2 || n.int_digits > 3 || n.end != n.begin + n.int_digits) return true;
    const size_t at = skip_spaces(s, n.end);
    const auto unit = word_at(s, at, {"bpm", "beats per minute", "拍"});
    if (unit.empty()) return true;
    facts.tempo_bpm = n.value;
    found = Span{n.begin, at + unit.size()};
    return false;
  });
  if (found) consume(text, facts, *found, "tempo");
}

// "in D minor", "key of Bb major", "F# dorian", "C sharp minor key". A bare "a minor" is English, not a key: it
// needs "in"/"key" around it.
void parse_key(Text& text, PromptFacts& facts) {
  const std::string& s = text.str();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] < 'a' || s[i] > 'g' || (i > 0 && is_word(s[i - 1]))) continue;
    // The note with an optional accidental, then the mode as a whole word; with the accidental first.
    std::string_view accidental, mode;
    size_t mode_end = 0;
    for (const bool with_accidental : {true, false}) {
      size_t at = i + 1;
      accidental = {};
      if (with_accidental) {
        const size_t a = at < s.size() && s[at] == ' ' ? at + 1 : at;
        accidental = word_at(s, a, {"#", "sharp", "flat", "b"});
        if (accidental.empty()) continue;
        at = a + accidental.size();
      }
      if (at < s.size() && s[at] == ' ') ++at;
      for (auto m : {"major", "minor", "maj", "min", "dorian", "mixolydian"}) {
        const std::string_view w(m);
        if (starts_with_at(s, at, w) && (at + w.size() >= s.size() || !is_word(s[at + w.size()]))) {
          mode = w;
          mode_end = at + w.size();
          break;
        }
      }
      if (!mode.empty()) break;
    }
    if (mode.empty()) continue;
    size_t begin = i;
    for (auto prefix : {"key of ", "key: ", "key:", "key ", "in "}) {
      const std::string_view p(prefix);
      if (i >= p.size() && s.compare(i - p.size(), p.size(), p) == 0) {
        begin = i - p.size();
        break;
      }
    }
    const size_t end = starts_with_at(s, mode_end, " key") ? mode_end + 4 : mode_end;
    if (s[i] == 'a' && begin == i && end == mode_end) continue;
    const std::string note = std::string(1, s[i]) + (accidental.empty() ? "" : " " + std::string(accidental));
    auto pc = parse_pitch_class(note);
    auto m = mode_from_name(mode);
    if (pc && m) {
      facts.key = Key{*pc, *m};
      consume(text, facts, {begin, end}, "key");
      return;
    }
  }
  // "D小调", "Bb 大调"
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] < 'a' || s[i] > 'g') continue;
    size_t at = i + 1;
    std::string note(1, s[i]);
    if (at < s.size() && (s[at] == '#' || s[at] == 'b')) note += s[at++];
    at = skip_spaces(s, at);
    const auto mode = word_at(s, at, {"大调", "小调"});
    if (mode.empty()) continue;
    if (auto pc = parse_pitch_class(note)) {
      facts.key = Key{*pc, mode == "小调" ? Mode::kMinor : Mode::kMajor};
      consume(text, facts, {i, at + mode.size()}, "key");
    }
    return;
  }
}

// "1:30" (m:ss) or "1:00:00" (h:mm:ss), as whole words.
bool parse_clock(Text& text, PromptFacts& facts) {
  const std::string& s = text.str();
  auto two_digits_at = [&](size_t at) { return at + 1 < s.size() && s[at] >= '0' && s[at] <= '5' && is_digit(s[at + 1]); };
  bool done = false;
  for_each_number(s, [&](const Number& n) {
    if (n.end != n.begin + n.int_digits || n.int_digits > 2 || (n.begin > 0 && (is_word(s[n.begin - 1]) || s[n.begin - 1] == ':'))) {
      return true;
    }
    double total = n.value;
    size_t at = n.end;
    int fields = 1;
    while (fields < 3 && at < s.size() && s[at] == ':' && two_digits_at(at + 1)) {
      total = total * 60 + std::strtod(s.substr(at + 1, 2).c_str(), nullptr);
      at += 3;
      ++fields;
    }
    if (fields == 1 || (at < s.size() && (is_word(s[at]) || s[at] == ':'))) return true;
    facts.duration_s = total;
    consume(text, facts, {n.begin, at}, "length");
    done = true;
    return false;
  });
  return done;
}

// "2 min", "1 min 30 s", "90-second", "30秒", "1分30秒": parts of one length only when nothing but spaces, "and"
// or a comma lie between them.
void parse_duration(Text& text, PromptFacts& facts) {
  if (parse_clock(text, facts)) return;
  const std::string& s = text.str();
  double total = 0;
  std::optional<Span> span;
  for_each_number(s, [&](const Number& n) {
    const size_t at = skip_spaces(s, n.end, "-");
    const auto unit = word_at(s, at,
                              {"hours", "hour", "hrs", "hr", "h", "minutes", "minute", "mins", "min", "m", "seconds", "second",
                               "secs", "sec", "s", "小时", "分钟", "分", "秒钟", "秒"},
                              false);
    if (unit.empty()) return true;
    if (span) {
      std::string gap = s.substr(span->end, n.begin - span->end);
      gap.erase(std::remove(gap.begin(), gap.end(), ' '), gap.end());
      if (!gap.empty() && gap != "and" && gap != ",") return false;
    }
    double factor = 1;
    if (unit[0] == 'h' || unit == "小时") factor = 3600;
    else if (unit[0] == 'm' || unit == "分钟" || unit == "分") factor = 60;
    total += n.value * factor;
    if (!span) span = Span{n.begin, 0};
    span->end = at + unit.size();
    return true;
  });
  if (span) {
    facts.duration_s = total;
    consume(text, facts, *span, "length");
  }
}

void parse_style(Text& text, PromptFacts& facts, const StyleCatalog& catalog) {
  Hit best;
  const StylePreset* best_style = nullptr;
  for (const auto& style : catalog.styles()) {
    std::vector<std::string_view> phrases;
    for (const auto& a : style.aliases) phrases.emplace_back(a);
    const Hit hit = longest_hit(text, phrases);
    if (hit.len > best.len || (hit.len == best.len && hit.pos < best.pos)) {
      best = hit;
      best_style = &style;
    }
  }
  if (best_style && best.len > 0) {
    facts.style_id = best_style->id;
    facts.recognised.push_back("style: " + std::string(best.phrase));
    text.blank(best.pos, best.len);
  }
}

// Which words a negation covers ("no drums", "without drums or bass", "不要鼓"): those after a negation word in
// the same clause. Built in one pass over the text, so asking about every instrument found stays linear.
class NegationScope {
 public:
  explicit NegationScope(const Text& text) {
    const std::string& s = text.str();
    const size_t n = s.size();
    // clause_[pos]: where the clause holding `pos` starts (after the last separator that begins before `pos`).
    std::vector<size_t> sep_end(n + 1, 0);
    static const std::string_view seps[] = {",", ".", ";", "!", "?", "，", "。", "；", " but ", "但", " with ", "用"};
    for (auto sep : seps)
      for (size_t at = s.find(sep); at != std::string::npos; at = s.find(sep, at + 1)) sep_end[at] = std::max(sep_end[at], at + sep.size());
    clause_.assign(n + 1, 0);
    for (size_t pos = 1; pos <= n; ++pos) clause_[pos] = std::max(clause_[pos - 1], sep_end[pos - 1]);
    // negation_[pos]: the start of the last negation word that ends at or before `pos` (+1; 0 for none).
    std::vector<size_t> neg_start_by_end(n + 1, 0);
    for (auto w : negation_words())
      for (size_t at = text.find(w); at != std::string::npos; at = text.find(w, at + 1))
        neg_start_by_end[at + w.size()] = std::max(neg_start_by_end[at + w.size()], at + 1);
    negation_.assign(n + 1, 0);
    for (size_t pos = 0; pos <= n; ++pos) negation_[pos] = std::max(pos ? negation_[pos - 1] : 0, neg_start_by_end[pos]);
  }

  bool negated(size_t pos) const { return negation_[pos] > 0 && negation_[pos] - 1 >= std::min(clause_[pos], pos); }

 private:
  std::vector<size_t> clause_;
  std::vector<size_t> negation_;
};

void parse_instruments(Text& text, PromptFacts& facts) {
  // Longest phrases first so "electric guitar" is not read as "guitar".
  struct Found { size_t pos; size_t len; const InstrumentEntry* entry; std::string_view phrase; };
  std::vector<Found> found;
  std::vector<std::pair<std::string_view, const InstrumentEntry*>> phrases;
  for (const auto& inst : instruments())
    for (auto w : inst.words) phrases.emplace_back(w, &inst);
  std::stable_sort(phrases.begin(), phrases.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  Text scan = text;
  for (const auto& [phrase, entry] : phrases) {
    for (size_t pos = scan.find(phrase); pos != std::string::npos; pos = scan.find(phrase, pos + 1)) {
      found.push_back({pos, phrase.size(), entry, phrase});
      scan.blank(pos, phrase.size());
    }
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.pos < b.pos; });
  const NegationScope scope(text);
  for (const auto& f : found) {
    const std::string id(f.entry->id);
    const bool neg = scope.negated(f.pos);
    auto& list = neg ? facts.excluded : facts.wanted;
    if (std::find(list.begin(), list.end(), id) == list.end()) {
      list.push_back(id);
      facts.recognised.push_back(std::string(neg ? "without: " : "instrument: ") + std::string(f.phrase));
    }
  }
  for (const auto& f : found) text.blank(f.pos, f.len);
  if (!facts.wanted.empty()) {
    const Hit only = longest_hit(text, only_words());
    if (only.len > 0) {
      facts.only = true;
      facts.recognised.push_back("only the instruments named: " + std::string(only.phrase));
      text.blank(only.pos, only.len);
    }
  }
}

void parse_mood(Text& text, PromptFacts& facts) {
  Hit best;
  const MoodEntry* best_mood = nullptr;
  for (const auto& mood : moods()) {
    const Hit hit = longest_hit(text, mood.words);
    if (hit.len > 0 && (best_mood == nullptr || hit.pos < best.pos)) {
      best = hit;
      best_mood = &mood;
    }
  }
  if (best_mood) {
    facts.mood_id = std::string(best_mood->id);
    facts.recognised.push_back("mood: " + std::string(best.phrase));
    text.blank(best.pos, best.len);
  }
}

void parse_tempo_and_energy(Text& text, PromptFacts& facts) {
  const std::pair<const std::vector<std::string_view>*, TempoWord> tempo_lists[] = {
      {&moderate_words(), TempoWord::kModerate}, {&slow_words(), TempoWord::kSlow}, {&fast_words(), TempoWord::kFast}};
  for (const auto& [list, word] : tempo_lists) {
    const Hit hit = longest_hit(text, *list);
    if (hit.len > 0) {
      facts.tempo_word = word;
      facts.recognised.push_back("tempo: " + std::string(hit.phrase));
      text.blank(hit.pos, hit.len);
      break;
    }
  }
  const Hit high = longest_hit(text, high_energy_words());
  const Hit low = longest_hit(text, low_energy_words());
  if (high.len > 0 && (low.len == 0 || high.pos < low.pos)) {
    facts.energy = 0.85;
    facts.recognised.push_back("energy: " + std::string(high.phrase));
  } else if (low.len > 0) {
    facts.energy = 0.25;
    facts.recognised.push_back("energy: " + std::string(low.phrase));
  }
  const Hit loop = longest_hit(text, loop_words());
  if (loop.len > 0) {
    facts.loop = true;
    facts.recognised.push_back("seamless loop: " + std::string(loop.phrase));
  }
}

}  // namespace

Status check_prompt_length(std::string_view prompt) {
  if (prompt.size() <= kMaxPromptBytes) return {};
  return make_error(ErrorCode::kInvalidArgument, "The prompt is " + std::to_string(prompt.size()) + " bytes long; obs-bgm reads at most " +
                                                     std::to_string(kMaxPromptBytes) +
                                                     " (about 4,000 letters or 1,300 Chinese characters). Shorten it to the "
                                                     "style, mood and length you want.");
}

PromptFacts parse_prompt(std::string_view prompt, const StyleCatalog& catalog) {
  PromptFacts facts;
  if (prompt.size() > kMaxPromptBytes) {
    size_t cut = kMaxPromptBytes;
    while (cut > 0 && (static_cast<unsigned char>(prompt[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    prompt = prompt.substr(0, cut);
  }
  Text text(prompt);
  // Numbers first (so "120 bpm" is not a length), then named things from the most to the least specific.
  parse_volume(text, facts);
  parse_bpm(text, facts);
  parse_key(text, facts);
  parse_duration(text, facts);
  parse_style(text, facts, catalog);
  parse_instruments(text, facts);
  parse_mood(text, facts);
  parse_tempo_and_energy(text, facts);
  return facts;
}

}  // namespace bgm
