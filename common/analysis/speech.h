#pragma once
// Where someone is talking, and how loud the recording is. Speech is found by its signature: energy concentrated
// in the voice band (300-3400 Hz), well above the recording's noise floor, modulated at syllable rate (steady
// tones and drones are not), and a pitch that glides (a melody's notes hold theirs: game and background music in a
// recording is not speech). Segments are smoothed so ducking does not flutter between words.
// Thread: pure functions (the audio they read belongs to the calling thread, or to any when it reads from any).

#include <cmath>
#include <functional>
#include <vector>

#include "audio/audio_frames.h"
#include "core/time_span.h"

namespace bgm {

struct SpeechSettings {
  double above_floor_db = 12.0;   // voice-band level above the recording's quiet moments
  double min_level_dbfs = -55.0;  // never speech below this
  double band_share_db = -8.0;    // voice band versus the whole spectrum
  double modulation_db = 2.5;     // syllabic rise and fall over 400 ms
  float held_pitch = 0.006f;      // a pitch that moves less than this (relative) in 10 ms is held, as notes are
  float note_leap = 0.08f;        // ... and one that moves more (over a semitone) onto a pitch that then holds: a new note
  double held_share = 0.66;       // music, not speech, where this share of the pitched moments hold their pitch
  int min_pitched = 8;            // ... judged when the 600 ms around have at least this many pitched moments
  double merge_gap_s = 0.35;      // pauses shorter than this stay inside the segment
  double min_length_s = 0.15;
  double pad_s = 0.1;             // each side of a segment
};

std::vector<TimeSpan> detect_speech(const AudioFrames& audio, const SpeechSettings& settings = {});

struct AudioAnalysis {
  double loudness_lufs = -HUGE_VAL;  // integrated (BS.1770); -inf for silence
  std::vector<TimeSpan> speech;
};

// Reads `audio` once, in chunks; long audio in four stretches, on up to `threads` threads when any thread may
// read it (the same result on any number). `stopped` is asked between chunks: once it says true, what comes back
// is empty and meaningless (the caller is giving up).
AudioAnalysis analyse_audio(const AudioFrames& audio, int threads = 1, const std::function<bool()>& stopped = {});

}  // namespace bgm
