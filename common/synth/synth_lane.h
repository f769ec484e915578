#pragma once
// A lane: one FluidSynth instance playing some of a score's parts, its output channels rendered a block at a
// time. The offline render splits the parts between two lanes (balanced by how many voices they keep busy) and sums
// them, so two threads can synthesise at once with no synchronisation inside FluidSynth (whose own worker threads
// meet every 64 samples and gain little). Reverb and chorus are linear, so the lanes' sum is the piece; each lane
// runs its own effects units. The split and the sum are the same for any number of threads.
// Thread: a lane belongs to one thread at a time.

#include <cstdint>
#include <map>
#include <vector>

#include "compose/score.h"
#include "core/result.h"
#include "synth/fluid_outputs.h"
#include "synth/fluid_setup.h"

namespace bgm {

// The seconds of sounding voices a part asks for, which is what its synthesis costs, in all and per pitch.
struct PartLoad {
  double total = 0;
  std::map<int, double> by_pitch;
};

// Each part's load: its notes' lengths, with the voices a note starts and how long they sound after it ends
// measured on `fluid` for the part's preset (one note per drum, a middle note for other parts; played alone with
// the effects off, a few ms a part). Leaves `fluid` reset.
std::vector<PartLoad> part_loads(FluidInstance& fluid, const Score& score, int sample_rate);

// What a lane plays of a part: all of it, or its notes of some pitches. A part heavier than half a lane's share
// (a layered pad holding chords) is shared out by pitch; a pitch stays in one lane, so a repeated note still
// re-strikes its own voice. Drums stay whole (a kit's choke groups span its pitches).
struct PartShare {
  size_t part = 0;
  std::vector<int> pitches;  // empty: every note
};

// What each of `lanes` lanes plays: the heaviest piece first into the least busy lane.
std::vector<std::vector<PartShare>> split_parts(const Score& score, const std::vector<PartLoad>& loads, size_t lanes);

class SynthLane {
 public:
  // `routing`: where each MIDI channel (FluidSynth's audio group) and each effects group ends up; every part is
  // shaped on its own first (synth/fluid_outputs.h).
  SynthLane(FluidInstance fluid, const FluidRouting& routing, int sample_rate);

  // Resets the synthesiser and sets it up for its share of `score` (presets, levels against FluidR3's, the piece's
  // effects, each part's stereo image), with those notes and the parts' controller changes as events at their samples.
  void prepare(const Score& score, const std::vector<PartShare>& shares, int sample_rate);

  // Renders the next `count` (at most kLaneBlock) frames into the outputs. Errors: kSynth.
  Status render(size_t count);
  const float* left(int output) const { return outputs_.left(output); }
  const float* right(int output) const { return outputs_.right(output); }

  // Silences every channel (the end of a render).
  void all_sounds_off();

  FluidInstance& fluid() { return fluid_; }
  const FluidInstance& fluid() const { return fluid_; }

  static constexpr size_t kLaneBlock = 4096;

 private:
  // At one sample: note-offs, then controller changes (a pedal lift releases what was let go before the new
  // notes), then note-ons.
  enum class EventKind { kNoteOff, kControl, kNoteOn };
  struct Event {
    int64_t sample;
    EventKind kind;
    int channel;
    int number;  // the pitch, or the controller
    int value;   // the velocity, or the controller's value
  };

  FluidInstance fluid_;
  FluidOutputs outputs_;
  std::vector<Event> events_;
  size_t next_ = 0;
  int64_t done_ = 0;
};

}  // namespace bgm
