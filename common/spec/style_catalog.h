#pragma once
// The style presets (data/styles/styles.json, compiled into the library) and look-ups by id or alias.
// Thread: the catalog is built once, immutable afterwards; every function may be called from any thread.

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "music/theory.h"

namespace bgm {

enum class Role { kDrums, kBass, kHarmony, kPad, kMelody, kCounter };
std::string_view role_name(Role role);

struct PartPreset {
  Role role = Role::kPad;
  std::string name;       // shown in stems and MIDI track names; defaults to the role name
  int program = 0;        // General MIDI program, 0-based
  int bank = 0;           // 128 for drum kits
  std::string pattern;    // the part's playing pattern (see compose/)
  int volume = 100;       // CC7
  int reverb_send = 50;   // CC91
  int chorus_send = 0;    // CC93
  int pan = -1;           // CC10, 0 left .. 127 right; -1: the composer's default for the role
  double low_cut_hz = -1; // the part's own high-pass (the SoundFont's samples often carry rumble below the
                          // notes); 0: none; -1: the composer's default for the role
  double width = -1;       // the part's stereo width, 0 (mono) to 1 (as the preset plays it); -1: the composer's
                          // default for the role
  std::array<int, 2> range{48, 72};  // MIDI note range of pitched parts
  bool doubled = false;   // played twice, panned apart, each take with its own timing (double-tracked guitars)
  int double_program = -1;  // the second take's program (-1: the same)
  double min_energy = 0;  // the part plays in sections whose energy is at least this
};

struct MelodyPreset {
  double density = 0.5;  // notes per eighth on average (0..1)
  std::array<int, 2> range{64, 84};
  double rests = 0.25;   // share of phrase-internal rests
};

struct StylePreset {
  std::string id;
  std::string name;
  std::string name_zh;
  std::vector<std::string> aliases;
  std::array<int, 2> tempo{90, 110};
  std::vector<Mode> modes;  // preferred first
  double swing = 0.5;       // where the off-beat falls inside its pair, 0.5 = straight
  int swing_unit = 8;       // 8: eighths swing, 16: sixteenths swing
  bool sevenths = false;
  bool add9 = false;
  int chord_bars = 1;       // bars per chord
  double humanize_ms = 0;
  int humanize_velocity = 0;
  bool build = false;       // has a build section before the climax
  bool drum_comping = false;  // the snare comps (jazz): accents on off-beats that differ bar to bar
  bool pedal = false;         // keyboards use the sustain pedal, changed with the harmony
  bool swells = false;        // sustained parts breathe with expression (CC11) in each phrase
  bool chromatic_approach = false;  // the melody and the bass lean into beats by chromatic neighbours (jazz)
  std::string ending = "block";  // block, rolled, strum, fade, big, stop, jazz or arpeggio
  double ritardando = 0.88;   // the final chord's tempo against the body's
  double energy = 0.5;      // typical energy when the prompt does not say
  double reverb_room = 0.5;
  double reverb_level = 0.6;
  double chorus_level = 0.5;
  std::vector<std::vector<int>> progressions_major;
  std::vector<std::vector<int>> progressions_minor;
  MelodyPreset melody;
  std::map<std::string, std::string> groove;  // drum name -> 16-step pattern
  std::vector<PartPreset> parts;

  bool has_role(Role role) const;
};

class StyleCatalog {
 public:
  // The catalog compiled into the library. Validated at first use; a broken preset file fails the build's tests.
  static const StyleCatalog& builtin();
  // Parses a catalog from JSON text (used by builtin() and by tests).
  static Result<StyleCatalog> parse(std::string_view json_text);

  const std::vector<StylePreset>& styles() const { return styles_; }
  // By id, English or Chinese alias, or display name; case-insensitive. nullptr when unknown.
  const StylePreset* find(std::string_view name) const;
  // "lofi, cinematic, ..." for error messages.
  std::string id_list() const;

 private:
  std::vector<StylePreset> styles_;
};

// General MIDI drum notes by the names used in grooves ("kick", "snare", ...). -1 when unknown.
int drum_note(std::string_view name);

}  // namespace bgm
