#pragma once
// The words the prompt parser understands, in English and Chinese: moods, instruments, tempo and energy words.
// Thread: immutable tables; any thread.

#include <optional>
#include <string_view>
#include <vector>

#include "music/theory.h"
#include "spec/style_catalog.h"

namespace bgm {

struct MoodEntry {
  std::string_view id;
  std::vector<std::string_view> words;  // English (matched on word boundaries) and Chinese (substring)
  double valence;                       // -1 sad/dark .. +1 happy/bright
  double energy;                        // 0 calm .. 1 intense
  std::optional<Mode> mode;             // preferred mode, if the mood has one
  std::string_view style_id;            // style to use when the prompt names none
};

struct InstrumentEntry {
  std::string_view id;
  std::vector<std::string_view> words;
  int program;      // General MIDI program (0-based); -1 for roles (drums, bass, melody)
  Role role;        // the part it naturally plays
  int family_low;   // programs in [family_low, family_high] count as this instrument
  int family_high;
};

const std::vector<MoodEntry>& moods();
const std::vector<InstrumentEntry>& instruments();
const MoodEntry* find_mood(std::string_view id);
const InstrumentEntry* find_instrument(std::string_view id);

// Tempo and energy words.
const std::vector<std::string_view>& slow_words();
const std::vector<std::string_view>& fast_words();
const std::vector<std::string_view>& moderate_words();
const std::vector<std::string_view>& high_energy_words();
const std::vector<std::string_view>& low_energy_words();
const std::vector<std::string_view>& negation_words();  // "no", "without", "不要", ...
const std::vector<std::string_view>& only_words();      // "only", "just", "solo", "只要", ...
const std::vector<std::string_view>& loop_words();      // "loop", "seamless", "循环"

}  // namespace bgm
