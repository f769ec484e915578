#pragma once
// FluidSynth with a General MIDI SoundFont, rendering a score offline with sample-accurate event times
// (FluidSynth applies events on its 64-sample block grid, 1.3 ms at 48 kHz). Without stems the parts are split
// between two synthesisers (synth/synth_lane.h), rendered at once when cpu_cores allows: the same output either way.
// Thread: a SoundFontSynth is used by one worker thread at a time (it may run one helper thread of its own during
// render); different instances are independent.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"
#include "compose/score.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"

namespace bgm {

// The SoundFont to use when none is configured: $OBS_BGM_SOUNDFONT, then Debian's FluidR3_GM, then the
// default-GM alternative, then TimGM6mb. nullopt when none exists.
std::optional<std::filesystem::path> default_soundfont_path();
// The message for a missing SoundFont: what is missing and how to install it.
std::string missing_soundfont_message(const std::filesystem::path& tried);

struct SynthOptions {
  std::filesystem::path soundfont;  // empty: default_soundfont_path()
  int sample_rate = kSampleRate;
  int cpu_cores = 1;                // threads the music may keep busy: FluidSynth's (its output is bit-identical for
                                    // any count) and the AAC encoders' of a result made from it
  bool stems = false;               // one bus per part instead of two (pitched parts, drums)
};

// A render is a set of buses that sum to the piece: one per part (in score order) when stems were asked for, else
// two: "music" (the pitched parts, on even MIDI channels) and "drums" (channel 10), so the drums can be treated alone.
struct BusInfo {
  std::string name;
  bool drums = false;
};

// Receives each block of the render, bus by bus, in order; an error it returns stops the render.
using BusSink = std::function<Status(size_t bus, const float* left, const float* right, size_t count)>;

class SoundFontSynth {
 public:
  // Creates the synthesiser and loads the SoundFont. Errors: kResourceMissing (no SoundFont), kSynth (not a SoundFont).
  static Result<std::unique_ptr<SoundFontSynth>> create(const SynthOptions& options);
  ~SoundFontSynth();
  SoundFontSynth(const SoundFontSynth&) = delete;
  SoundFontSynth& operator=(const SoundFontSynth&) = delete;

  const std::filesystem::path& soundfont() const { return soundfont_; }

  // The buses render() produces for this score, in order.
  std::vector<BusInfo> bus_layout(const Score& score) const;

  // Renders `frames` frames of the score from time 0 into `sink`, a block (85 ms) at a time.
  // Errors: kCancelled, kSynth, or the sink's own.
  Status render(const Score& score, size_t frames, const BusSink& sink, const CancelToken* cancel, const ProgressFn& progress);

 private:
  struct Impl;
  explicit SoundFontSynth(std::unique_ptr<Impl> impl, std::filesystem::path soundfont);
  std::unique_ptr<Impl> impl_;
  std::filesystem::path soundfont_;
};

}  // namespace bgm
