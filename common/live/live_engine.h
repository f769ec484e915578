#pragma once
// Music without end for a live stream: the composer writes sixteen-bar chapters ahead (a new seed each, in the same
// key and tempo while the mood holds), FluidSynth plays them into one continuous stream (its voices run on across
// every chapter line, so nothing is cut or clicks), and a mood change is heard at the next bar line, through a fill
// on the old kit and a crash on the new one, in the same key (or its relative). Under a voice the music steps back
// by the ducking depth and the lead rests. The level is held by live/live_gain.h.
// Thread: set_mood, set_voice, set_duck_db, set_level_lufs, status and changes from any thread; render from one
// thread at a time (the source's worker: never OBS's audio thread).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "spec/music_spec.h"

namespace bgm {

struct LiveOptions {
  std::filesystem::path soundfont;  // empty: the default SoundFont
  int sample_rate = 48000;
  double level_lufs = -20.0;  // the music's loudness while nobody speaks: a bed under a stream
  double duck_db = 12.0;      // how far it steps back under a voice
  uint64_t seed = 0;          // 0: a new one each time
};

struct LiveStatus {
  std::string style_id, style_name, mood, key;
  double tempo_bpm = 0;
  uint64_t chapters = 0;  // chapters begun since the start
  double seconds = 0;     // of music rendered
  bool voice = false;     // a voice is heard: ducked, the lead resting
  double gain_db = 0;     // the automatic gain now
  double longest_render_ms = 0;  // the longest render() call so far: what the caller's lead must cover
};

// Where a mood change was asked and where it was heard, in samples of the stream.
struct LiveChange {
  int64_t asked = 0;
  int64_t at = 0;
  double bar_samples = 0;  // of the music it left
  std::string style_id;
};

class LiveEngine {
 public:
  // Opens the SoundFont, plans the first chapter of `mood` and renders its first seconds ahead to set the level.
  // Errors: the spec's (an unknown style), the SoundFont's (kResourceMissing, kSynth).
  static Result<std::unique_ptr<LiveEngine>> create(const LiveOptions& options, const SpecRequest& mood);
  ~LiveEngine();
  LiveEngine(const LiveEngine&) = delete;
  LiveEngine& operator=(const LiveEngine&) = delete;

  // The music moves to `mood` at the next bar line. It composes the mood's opening, measures it on a synthesiser of
  // its own and selects its presets ahead (loading their samples: up to a few hundred ms with an SF3), so the render
  // thread never waits for them. One thread at a time. Errors (an unknown style) leave the music as it is.
  Status set_mood(const SpecRequest& mood);
  void set_voice(bool speaking);
  void set_duck_db(double db);
  void set_level_lufs(double lufs);
  LiveStatus status() const;
  std::vector<LiveChange> changes() const;         // the last 64
  std::vector<int64_t> chapter_starts() const;     // the samples where the last 64 chapters began
  int sample_rate() const;

  // The next `frames` frames, planar stereo. Errors: kSynth (FluidSynth failed), the composer's.
  Status render(float* left, float* right, size_t frames);

 private:
  struct Impl;
  explicit LiveEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bgm
