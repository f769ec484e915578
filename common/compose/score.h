#pragma once
// The score: what the composer writes and what the synthesiser, the MIDI writer and the tests read.
// Times are in ticks (480 per quarter note, 4/4 time) on a tempo map.
// Thread: plain values; any thread.

#include <cstdint>
#include <string>
#include <vector>

#include "music/theory.h"
#include "spec/style_catalog.h"

namespace bgm {

inline constexpr int64_t kTicksPerBeat = 480;
inline constexpr int64_t kBeatsPerBar = 4;
inline constexpr int64_t kTicksPerBar = kTicksPerBeat * kBeatsPerBar;
inline constexpr int kDrumChannel = 9;  // MIDI channel 10

struct Note {
  int64_t tick = 0;    // written position on the grid
  int64_t length = 0;  // written length
  int pitch = 60;
  int velocity = 90;
  int64_t offset = 0;  // performance offset (swing, humanised timing); the sound starts at tick + offset
};

// A controller change: the sustain pedal (CC64) or expression (CC11), at a written tick.
struct Control {
  int64_t tick = 0;
  int controller = 64;
  int value = 0;
};

inline constexpr int kSustainPedal = 64;
inline constexpr int kExpression = 11;

struct Part {
  std::string name;
  Role role = Role::kPad;
  int channel = 0;
  int program = 0;
  int bank = 0;
  int volume = 100;  // CC7
  int pan = 64;      // CC10
  int reverb = 50;   // CC91
  int chorus = 0;    // CC93
  double low_cut_hz = 0;  // the synthesiser's high-pass on this part (0: none); not in the MIDI file
  double width = 1.0;     // the part's stereo width (synth/part_image.h): 1 as its preset plays it; not in the MIDI file
  bool preset_chorus = true;  // the preset's own chorus send kept (else only CC93's); not in the MIDI file
  std::vector<Note> notes;
  std::vector<Control> controls;  // in tick order
};

struct TempoChange {
  int64_t tick = 0;
  double bpm = 120;
};

struct Section {
  std::string name;  // "intro", "theme A", "build", "outro", "ending"...
  std::string theme; // "A", "B", "C": sections with the same theme share their motif and progression
  int64_t start_tick = 0;
  int64_t length = 0;
  double energy = 0.5;
};

struct ChordSpan {
  int64_t tick = 0;
  int64_t length = 0;
  Chord chord;
};

struct Score {
  Key key;
  std::vector<TempoChange> tempo;  // sorted, the first at tick 0
  std::vector<Section> sections;
  std::vector<ChordSpan> chords;   // the harmony, gap-free from tick 0
  std::vector<Part> parts;
  int64_t music_end_tick = 0;      // the last written note-off (loops: the loop length)
  double duration_s = 0;           // the exact length of the rendered piece
  bool loop = false;
  double reverb_room = 0.5;
  double reverb_level = 0.6;
  double chorus_level = 0.5;

  // Seconds at a tick, following the tempo map.
  double seconds_at(double tick) const;
  // The chord sounding at a tick.
  const Chord& chord_at(int64_t tick) const;
};

}  // namespace bgm
