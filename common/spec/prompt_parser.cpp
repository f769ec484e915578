#include "spec/prompt_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>

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

double to_number(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

// Records a regex match as recognised ("<what>: <the words>") and blanks it so no later rule reads it again.
void consume(Text& text, PromptFacts& facts, const std::smatch& m, const char* what) {
  facts.recognised.push_back(std::string(what) + ": " + m.str());
  text.blank(static_cast<size_t>(m.position(0)), static_cast<size_t>(m.length(0)));
}

void parse_volume(Text& text, PromptFacts& facts) {
  static const std::regex re(R"((\d{1,3}(?:\.\d+)?)\s*(%|percent|％))");
  std::smatch m;
  const std::string s = text.str();
  if (std::regex_search(s, m, re)) {
    facts.music_volume = std::clamp(to_number(m[1]) / 100.0, 0.0, 1.0);
    consume(text, facts, m, "music volume");
  }
}

void parse_bpm(Text& text, PromptFacts& facts) {
  static const std::regex re(R"((\d{2,3})\s*(bpm|beats per minute|拍))");
  std::smatch m;
  const std::string s = text.str();
  if (std::regex_search(s, m, re)) {
    facts.tempo_bpm = to_number(m[1]);
    consume(text, facts, m, "tempo");
  }
}

void parse_key(Text& text, PromptFacts& facts) {
  static const std::regex en(
      R"((in |key of |key: ?|key )?\b([a-g])( ?(#|sharp|flat|b))? ?(major|minor|maj|min|dorian|mixolydian)\b( key)?)");
  static const std::regex zh(R"(([a-g])(#|b)?\s*(大调|小调))");
  const std::string s = text.str();
  std::smatch m;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), en); it != std::sregex_iterator(); ++it) {
    m = *it;
    // "a minor detail" is English, not a key: a bare "a" needs "in"/"key" around it.
    if (m[2] == "a" && !m[1].matched && !m[6].matched) continue;
    const std::string note = m[2].str() + (m[4].matched ? " " + m[4].str() : "");
    auto pc = parse_pitch_class(note);
    auto mode = mode_from_name(m[5].str());
    if (pc && mode) {
      facts.key = Key{*pc, *mode};
      consume(text, facts, m, "key");
      return;
    }
  }
  if (std::regex_search(s, m, zh)) {
    auto pc = parse_pitch_class(m[1].str() + m[2].str());
    if (pc) {
      facts.key = Key{*pc, m[3] == "小调" ? Mode::kMinor : Mode::kMajor};
      consume(text, facts, m, "key");
    }
  }
}

void parse_duration(Text& text, PromptFacts& facts) {
  static const std::regex re(
      R"((\d+(?:\.\d+)?)[\s-]*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s|小时|分钟|分|秒钟|秒)(?![a-z]))");
  static const std::regex clock(R"(\b(\d{1,2}):([0-5]\d)\b)");
  const std::string s = text.str();
  std::smatch m;
  if (std::regex_search(s, m, clock)) {
    facts.duration_s = to_number(m[1]) * 60 + to_number(m[2]);
    consume(text, facts, m, "length");
    return;
  }
  double total = 0;
  size_t first = std::string::npos, last_end = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it) {
    const auto& hit = *it;
    const auto pos = static_cast<size_t>(hit.position(0));
    if (first != std::string::npos) {
      // "1 min 30 s", "1分30秒": parts of one length only when nothing but spaces or "and" lie between.
      std::string gap = s.substr(last_end, pos - last_end);
      gap.erase(std::remove(gap.begin(), gap.end(), ' '), gap.end());
      if (!gap.empty() && gap != "and" && gap != ",") break;
    }
    const std::string unit = hit[2].str();
    double factor = 1;
    if (unit[0] == 'h' || unit == "小时") factor = 3600;
    else if (unit[0] == 'm' || unit == "分钟" || unit == "分") factor = 60;
    total += to_number(hit[1]) * factor;
    if (first == std::string::npos) first = pos;
    last_end = pos + static_cast<size_t>(hit.length(0));
  }
  if (first != std::string::npos) {
    facts.duration_s = total;
    facts.recognised.push_back("length: " + s.substr(first, last_end - first));
    text.blank(first, last_end - first);
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

// Clause start for negation scope: the last separator before `pos`.
size_t clause_start(const std::string& s, size_t pos) {
  static const std::string_view seps[] = {",", ".", ";", "!", "?", "，", "。", "；", " but ", "但", " with ", "用"};
  size_t start = 0;
  for (auto sep : seps) {
    const size_t at = s.rfind(sep, pos == 0 ? 0 : pos - 1);
    if (at != std::string::npos && at < pos) start = std::max(start, at + sep.size());
  }
  return start;
}

bool negated(const Text& text, size_t pos) {
  const std::string& s = text.str();
  const size_t start = clause_start(s, pos);
  const Text clause(s.substr(start, pos - start));
  return std::any_of(negation_words().begin(), negation_words().end(),
                     [&](std::string_view w) { return clause.find(w) != std::string::npos; });
}

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
  for (const auto& f : found) {
    const std::string id(f.entry->id);
    const bool neg = negated(text, f.pos);
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

PromptFacts parse_prompt(std::string_view prompt, const StyleCatalog& catalog) {
  PromptFacts facts;
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
