#pragma once
// Keys, scales and diatonic chords. Pitch classes are 0..11 with C = 0; MIDI notes are 0..127.
// Thread: pure functions and values; any thread.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgm {

enum class Mode { kMajor, kMinor, kDorian, kMixolydian };

struct Key {
  int tonic = 0;  // pitch class
  Mode mode = Mode::kMajor;
};

std::string_view mode_name(Mode mode);                 // "major", "minor", ...
std::optional<Mode> mode_from_name(std::string_view);  // "major", "minor", "dorian", "mixolydian"
std::string pitch_class_name(int pc, bool prefer_flats);
std::string key_name(const Key& key);                  // "D minor"
// Parses a note name: "C", "c#", "Db", "F sharp", "B flat". Returns the pitch class.
std::optional<int> parse_pitch_class(std::string_view text);
// Parses "D minor", "Dm", "F# major", "Bb", "a minor". A bare note is major.
std::optional<Key> parse_key(std::string_view text);

// The seven pitch classes of the key's scale, from the tonic.
std::array<int, 7> scale_pitch_classes(const Key& key);
bool in_scale(const Key& key, int midi_note);

// A chord as pitch classes: root first, then third, fifth, (seventh), (added ninth).
struct Chord {
  int degree = 0;  // 0-based scale degree of the root
  int root = 0;    // pitch class
  std::vector<int> tones;
  bool contains(int midi_note) const;
};

// The diatonic chord on `degree` (0..6). `sevenths` adds the diatonic seventh; `add9` the ninth.
// `dominant` raises the third of the V chord in minor modes (harmonic minor) for cadences; that raised
// leading tone is a chord tone, not a scale tone.
Chord diatonic_chord(const Key& key, int degree, bool sevenths, bool add9 = false, bool dominant = false);

// The MIDI note of pitch class `pc` nearest to `target` (ties go down).
int nearest_note(int pc, int target);
// The lowest MIDI note >= `low` with pitch class `pc`.
int note_at_or_above(int pc, int low);
// Moves `note` by `steps` scale steps within the key (steps may be negative). `note` must be in the scale;
// otherwise it is first snapped to the nearest scale note below.
int scale_step(const Key& key, int note, int steps);
// Index (0..6) of the note's pitch class in the key's scale, or -1.
int scale_degree_of(const Key& key, int note);

}  // namespace bgm
