#include "music/theory.h"

#include "core/text.h"

#include <algorithm>
#include <cctype>

namespace bgm {
namespace {

constexpr std::array<int, 7> kMajor{0, 2, 4, 5, 7, 9, 11};
constexpr std::array<int, 7> kMinor{0, 2, 3, 5, 7, 8, 10};
constexpr std::array<int, 7> kDorian{0, 2, 3, 5, 7, 9, 10};
constexpr std::array<int, 7> kMixolydian{0, 2, 4, 5, 7, 9, 10};

const std::array<int, 7>& intervals(Mode mode) {
  switch (mode) {
    case Mode::kMajor: return kMajor;
    case Mode::kMinor: return kMinor;
    case Mode::kDorian: return kDorian;
    case Mode::kMixolydian: return kMixolydian;
  }
  return kMajor;
}

int mod12(int x) { return ((x % 12) + 12) % 12; }

}  // namespace

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::kMajor: return "major";
    case Mode::kMinor: return "minor";
    case Mode::kDorian: return "dorian";
    case Mode::kMixolydian: return "mixolydian";
  }
  return "major";
}

std::optional<Mode> mode_from_name(std::string_view name) {
  const std::string n = ascii_lower(trim(name));
  if (n == "major" || n == "maj" || n == "ionian") return Mode::kMajor;
  if (n == "minor" || n == "min" || n == "m" || n == "aeolian") return Mode::kMinor;
  if (n == "dorian") return Mode::kDorian;
  if (n == "mixolydian") return Mode::kMixolydian;
  return std::nullopt;
}

std::string pitch_class_name(int pc, bool prefer_flats) {
  static const char* sharps[] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
  static const char* flats[] = {"C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"};
  return (prefer_flats ? flats : sharps)[mod12(pc)];
}

std::string key_name(const Key& key) {
  // Flat spellings for the keys musicians write with flats.
  const int pc = mod12(key.tonic);
  const bool minorish = key.mode == Mode::kMinor || key.mode == Mode::kDorian;
  const bool flats = minorish ? (pc == 0 || pc == 2 || pc == 5 || pc == 7 || pc == 10 || pc == 3)
                              : (pc == 5 || pc == 10 || pc == 3 || pc == 8 || pc == 1);
  return pitch_class_name(pc, flats) + " " + std::string(mode_name(key.mode));
}

std::optional<int> parse_pitch_class(std::string_view text) {
  const std::string t = ascii_lower(trim(text));
  if (t.empty()) return std::nullopt;
  static const int base[] = {9, 11, 0, 2, 4, 5, 7};  // a..g
  if (t[0] < 'a' || t[0] > 'g') return std::nullopt;
  int pc = base[t[0] - 'a'];
  std::string_view rest = std::string_view(t).substr(1);
  rest = trim(rest);
  if (rest.empty()) return pc;
  if (rest == "#" || rest == "sharp" || rest == "♯") return mod12(pc + 1);
  if (rest == "b" || rest == "flat" || rest == "♭") return mod12(pc - 1);
  return std::nullopt;
}

std::optional<Key> parse_key(std::string_view text) {
  const std::string t = ascii_lower(trim(text));
  if (t.empty()) return std::nullopt;
  // Split "<note> <mode>" at the last space; or "<note>m".
  const auto space = t.rfind(' ');
  if (space != std::string::npos) {
    if (auto mode = mode_from_name(std::string_view(t).substr(space + 1))) {
      if (auto pc = parse_pitch_class(std::string_view(t).substr(0, space))) return Key{*pc, *mode};
    }
  }
  if (auto pc = parse_pitch_class(t)) return Key{*pc, Mode::kMajor};
  if (t.size() >= 2 && t.back() == 'm') {
    if (auto pc = parse_pitch_class(std::string_view(t).substr(0, t.size() - 1))) return Key{*pc, Mode::kMinor};
  }
  return std::nullopt;
}

std::array<int, 7> scale_pitch_classes(const Key& key) {
  std::array<int, 7> out{};
  const auto& iv = intervals(key.mode);
  for (size_t i = 0; i < 7; ++i) out[i] = mod12(key.tonic + iv[i]);
  return out;
}

bool in_scale(const Key& key, int midi_note) { return scale_degree_of(key, midi_note) >= 0; }

int scale_degree_of(const Key& key, int note) {
  const auto pcs = scale_pitch_classes(key);
  const int pc = mod12(note);
  for (int i = 0; i < 7; ++i)
    if (pcs[static_cast<size_t>(i)] == pc) return i;
  return -1;
}

bool Chord::contains(int midi_note) const {
  const int pc = mod12(midi_note);
  return std::find(tones.begin(), tones.end(), pc) != tones.end();
}

Chord diatonic_chord(const Key& key, int degree, bool sevenths, bool add9, bool dominant) {
  const auto pcs = scale_pitch_classes(key);
  const int d = ((degree % 7) + 7) % 7;
  Chord chord;
  chord.degree = d;
  chord.root = pcs[static_cast<size_t>(d)];
  chord.tones = {pcs[static_cast<size_t>(d)], pcs[static_cast<size_t>((d + 2) % 7)], pcs[static_cast<size_t>((d + 4) % 7)]};
  if (sevenths) chord.tones.push_back(pcs[static_cast<size_t>((d + 6) % 7)]);
  if (add9 && !sevenths) chord.tones.push_back(pcs[static_cast<size_t>((d + 1) % 7)]);
  if (dominant && d == 4 && key.mode != Mode::kMajor) {
    chord.tones[1] = mod12(chord.root + 4);  // major third: the leading tone
  }
  return chord;
}

int nearest_note(int pc, int target) {
  const int base = target - mod12(target - pc);  // at or below target
  const int above = base + 12;
  return (target - base) <= (above - target) ? base : above;
}

int note_at_or_above(int pc, int low) { return low + mod12(pc - low); }

int scale_step(const Key& key, int note, int steps) {
  int n = note;
  while (scale_degree_of(key, n) < 0) --n;
  int deg = scale_degree_of(key, n);
  const auto pcs = scale_pitch_classes(key);
  // Walk step by step so octave crossings are exact.
  while (steps > 0) {
    const int next_deg = (deg + 1) % 7;
    n += mod12(pcs[static_cast<size_t>(next_deg)] - pcs[static_cast<size_t>(deg)]);
    deg = next_deg;
    --steps;
  }
  while (steps < 0) {
    const int prev_deg = (deg + 6) % 7;
    n -= mod12(pcs[static_cast<size_t>(deg)] - pcs[static_cast<size_t>(prev_deg)]);
    deg = prev_deg;
    ++steps;
  }
  return n;
}

}  // namespace bgm
