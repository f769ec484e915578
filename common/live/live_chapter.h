#pragma once
// The live stream's music, a chapter at a time: sixteen bars composed as a seamless loop (two 8-bar themes, so the
// chapter ends leading back to its tonic and the next one, a new seed, follows on) and turned into synthesiser
// events at sample times, on one of two banks of eight MIDI channels (a mood change moves to the other bank, so
// the old mood's notes release untouched while the new one is set up).
// Thread: pure functions; any thread.

#include <cstdint>
#include <vector>

#include "compose/score.h"
#include "core/result.h"
#include "spec/music_spec.h"

namespace bgm {

inline constexpr int kLiveChapterBars = 16;
inline constexpr int kLiveBankChannels = 8;  // channels 0-7 or 8-15; a style has at most 7 parts

enum class LiveEventKind { kAllOff, kNoteOff, kControl, kNoteOn };  // in this order at one sample

struct LiveEvent {
  int64_t sample = 0;
  LiveEventKind kind = LiveEventKind::kNoteOn;
  int channel = 0;
  int a = 0;  // pitch, or controller number
  int b = 0;  // velocity, or controller value
  bool operator<(const LiveEvent& o) const { return sample != o.sample ? sample < o.sample : kind < o.kind; }
};

// Chapter `index` of the mood `spec`: the same key and tempo, its own seed and an energy that breathes around the
// mood's. Errors: the composer's.
Result<Score> compose_chapter(const MusicSpec& spec, uint64_t index);

// The channel of a part of a chapter on `bank` (0 or 1): parts in score order, -1 past the eighth.
int live_channel(int bank, size_t part_index);

// The chapter's notes and controllers as events from sample `start` at `sample_rate`, on `bank`'s channels.
std::vector<LiveEvent> chapter_events(const Score& score, int bank, int64_t start, int sample_rate);

// The chapter's length in samples (whole bars at its tempo).
int64_t chapter_samples(const Score& score, int sample_rate);

// A one-beat fill on the kit's channel ending at `end` (snare then toms), for a move to another mood.
std::vector<LiveEvent> fill_into(int channel, int64_t end, double beat_samples);

}  // namespace bgm
