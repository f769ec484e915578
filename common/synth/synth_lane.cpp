#include "synth/synth_lane.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include "synth/part_image.h"

namespace bgm {
namespace {

constexpr int kProbeBlock = 64;
// A probe holds its note at most this long, and follows its release at most this long after.
constexpr double kLongestHeldS = 3.0;
constexpr double kLongestReleaseS = 10.0;
// A choked voice fades out over about this long (FluidSynth releases it, it does not stop it dead).
constexpr double kChokeS = 1.0;

// How long the voices of one note sound, in voice-seconds (a layered preset starts several voices a note; a pad's
// release or a cymbal's decay outlasts the note), and how many voices it starts: played alone, effects off.
struct NoteLoad {
  double voice_seconds = 0;
  int voices = 0;
};

NoteLoad probe_note(fluid_synth_t* syn, int channel, int pitch, int velocity, double held_s, int rate) {
  NoteLoad load;
  fluid_synth_all_sounds_off(syn, channel);
  std::vector<float> l(kProbeBlock), r(kProbeBlock);
  const auto held = static_cast<long>(held_s * rate), longest = static_cast<long>((held_s + kLongestReleaseS) * rate);
  fluid_synth_noteon(syn, channel, pitch, velocity);
  for (long t = 0; t < longest; t += kProbeBlock) {
    if (t >= held && t < held + kProbeBlock) fluid_synth_noteoff(syn, channel, pitch);
    fluid_synth_write_float(syn, kProbeBlock, l.data(), 0, 1, r.data(), 0, 1);
    const int active = fluid_synth_get_active_voice_count(syn);
    load.voices = std::max(load.voices, active);
    load.voice_seconds += static_cast<double>(active) * kProbeBlock / rate;
    if (active == 0 && t >= held) break;
  }
  fluid_synth_all_sounds_off(syn, channel);
  return load;
}

template <typename T>
T median_of(std::vector<T> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// How many voices a note of this pitch starts (a preset layers differently across its range).
int voices_at(fluid_synth_t* syn, int channel, int pitch, int velocity) {
  fluid_synth_all_sounds_off(syn, channel);
  std::vector<float> l(kProbeBlock), r(kProbeBlock);
  fluid_synth_noteon(syn, channel, pitch, velocity);
  fluid_synth_write_float(syn, kProbeBlock, l.data(), 0, 1, r.data(), 0, 1);
  const int voices = fluid_synth_get_active_voice_count(syn);
  fluid_synth_all_sounds_off(syn, channel);
  return voices;
}

// A part's load: each note's voices for as long as they sound. One note of typical length is played through (each
// drum of a kit, else the part's middle pitch) for how long a voice outlives its note (a pad's release) or whether
// it ends on its own (a pluck, a cymbal); the voices a note starts are counted at every pitch the part uses. A note
// held on by the sustain pedal ends when the pedal lifts; a note repeated on its pitch releases the voice before it;
// in a kit, the next note of a choke group (General MIDI's hi-hats, whistles, guiros, cuicas, triangles) cuts it.
PartLoad part_load(FluidInstance& fluid, const Score& score, const Part& part, int rate) {
  PartLoad load;
  if (part.notes.empty()) return load;
  fluid_synth_t* syn = fluid.synth.get();
  constexpr int kChannel = 0;
  (void)select_part(fluid, kChannel, part, score);
  const bool drums = part.role == Role::kDrums;
  std::vector<double> starts, lengths;
  std::vector<int> pitches, velocities;
  for (const Note& n : part.notes) {
    const double on = static_cast<double>(n.tick + n.offset);
    starts.push_back(score.seconds_at(on));
    lengths.push_back(score.seconds_at(on + static_cast<double>(n.length)) - starts.back());
    pitches.push_back(n.pitch);
    velocities.push_back(n.velocity);
  }
  const double held = std::min(median_of(lengths), kLongestHeldS);
  const int velocity = median_of(velocities);
  struct Life {
    double seconds = 0;  // a typical note's voice, from its start until it is silent
    bool sustains = true;  // it lasts as long as the note is held (else it ends on its own)
  };
  std::map<int, Life> lives;
  auto life_of = [&](int pitch) -> const Life& {
    auto it = lives.find(pitch);
    if (it != lives.end()) return it->second;
    const NoteLoad probe = probe_note(syn, kChannel, pitch, velocity, held, rate);
    Life life;
    life.seconds = probe.voices > 0 ? probe.voice_seconds / probe.voices : 0.0;
    life.sustains = life.seconds > held + 0.05;
    return lives.emplace(pitch, life).first->second;
  };
  std::map<int, int> voices;
  const int middle = median_of(pitches);
  // When the pedal lifts after each moment it is down (the note's end moves there).
  std::vector<std::pair<double, double>> pedal_down;  // [down, up)
  for (const Control& c : part.controls) {
    if (c.controller != kSustainPedal) continue;
    const double at = score.seconds_at(static_cast<double>(c.tick));
    if (c.value >= 64 && (pedal_down.empty() || pedal_down.back().second < at)) pedal_down.push_back({at, 1e18});
    else if (c.value < 64 && !pedal_down.empty() && pedal_down.back().second > at) pedal_down.back().second = at;
  }
  auto released_at = [&](double end) {
    for (const auto& [down, up] : pedal_down)
      if (end >= down && end < up) return std::min(up, end + kLongestReleaseS);
    return end;
  };
  auto choke_group = [&](int pitch) -> std::optional<int> {
    if (!drums) return std::nullopt;
    if (pitch == 42 || pitch == 44 || pitch == 46) return 42;
    if (pitch == 71 || pitch == 73 || pitch == 78 || pitch == 80) return pitch;
    if (pitch == 72 || pitch == 74 || pitch == 79 || pitch == 81) return pitch - 1;
    return std::nullopt;
  };
  std::map<int, double> next_in_group;  // per choke group
  std::map<int, double> next_start;  // per pitch, walking back from the end
  std::vector<double> seconds(part.notes.size());
  for (size_t k = part.notes.size(); k-- > 0;) {
    const int pitch = pitches[k];
    const Life& life = life_of(drums ? pitch : middle);
    auto v = voices.find(pitch);
    if (v == voices.end()) v = voices.emplace(pitch, voices_at(syn, kChannel, pitch, velocity)).first;
    const double release = std::max(0.0, life.seconds - held);
    double sounding = life.sustains ? released_at(starts[k] + lengths[k]) - starts[k] + release : life.seconds;
    if (auto next = next_start.find(pitch); next != next_start.end()) sounding = std::min(sounding, next->second - starts[k] + release);
    next_start[pitch] = starts[k];
    if (const auto group = choke_group(pitch)) {
      if (auto next = next_in_group.find(*group); next != next_in_group.end()) sounding = std::min(sounding, next->second - starts[k] + kChokeS);
      next_in_group[*group] = starts[k];
    }
    seconds[k] = v->second * std::max(0.0, sounding);
  }
  for (size_t k = 0; k < part.notes.size(); ++k) {
    load.total += seconds[k];
    load.by_pitch[pitches[k]] += seconds[k];
  }
  return load;
}

}  // namespace

std::vector<PartLoad> part_loads(FluidInstance& fluid, const Score& score, int sample_rate) {
  fluid_synth_t* syn = fluid.synth.get();
  fluid_synth_system_reset(syn);
  fluid_synth_reverb_on(syn, -1, 0);
  fluid_synth_chorus_on(syn, -1, 0);
  std::vector<PartLoad> loads;
  for (const Part& part : score.parts) loads.push_back(part_load(fluid, score, part, sample_rate));
  fluid_synth_reverb_on(syn, -1, 1);
  fluid_synth_chorus_on(syn, -1, 1);
  fluid_synth_system_reset(syn);
  return loads;
}

std::vector<std::vector<PartShare>> split_parts(const Score& score, const std::vector<PartLoad>& loads, size_t lanes) {
  lanes = std::max<size_t>(1, lanes);
  struct Piece {
    size_t part;
    std::optional<int> pitch;  // nullopt: the whole part
    double load;
  };
  double all = 0;
  for (const PartLoad& l : loads) all += l.total;
  std::vector<Piece> pieces;
  for (size_t i = 0; i < score.parts.size() && i < loads.size(); ++i) {
    const bool heavy = lanes > 1 && loads[i].total > all / static_cast<double>(2 * lanes) && loads[i].by_pitch.size() > 1;
    if (heavy && score.parts[i].role != Role::kDrums) {
      for (const auto& [pitch, load] : loads[i].by_pitch) pieces.push_back({i, pitch, load});
    } else {
      pieces.push_back({i, std::nullopt, loads[i].total});
    }
  }
  std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.load > b.load; });
  std::vector<std::map<size_t, PartShare>> by_lane(lanes);
  std::vector<double> busy(lanes, 0.0);
  for (const Piece& piece : pieces) {
    const auto lane = static_cast<size_t>(std::min_element(busy.begin(), busy.end()) - busy.begin());
    PartShare& share = by_lane[lane].try_emplace(piece.part, PartShare{piece.part, {}}).first->second;
    if (piece.pitch) share.pitches.push_back(*piece.pitch);
    busy[lane] += piece.load;
  }
  std::vector<std::vector<PartShare>> split(lanes);
  for (size_t lane = 0; lane < lanes; ++lane) {
    for (auto& [part, share] : by_lane[lane]) {  // score order within a lane
      std::sort(share.pitches.begin(), share.pitches.end());
      split[lane].push_back(std::move(share));
    }
  }
  return split;
}

SynthLane::SynthLane(FluidInstance fluid, const FluidRouting& routing, int sample_rate)
    : fluid_(std::move(fluid)), outputs_(routing, kLaneBlock, sample_rate) {}

void SynthLane::prepare(const Score& score, const std::vector<PartShare>& shares, int sample_rate) {
  fluid_synth_t* syn = fluid_.synth.get();
  fluid_synth_system_reset(syn);
  // Each part's level against FluidR3's for its preset (synth/level_match.h), then the piece: the style's effects,
  // each part's level and sends.
  std::vector<double> lift(shares.size(), 0.0);
  for (size_t k = 0; k < shares.size(); ++k) {
    const Part& part = score.parts[shares[k].part];
    lift[k] = select_part(fluid_, part.channel, part, score);
  }
  apply_piece_effects(syn, score);
  outputs_.reset();
  std::vector<int> channels;
  for (size_t k = 0; k < shares.size(); ++k) {
    const Part& part = score.parts[shares[k].part];
    apply_part(syn, part.channel, part, lift[k]);
    outputs_.set_group_image(part.channel, part_image(part));
    channels.push_back(part.channel);
  }
  outputs_.set_groups_in_use(channels);

  events_.clear();
  auto at = [&](double tick) { return static_cast<int64_t>(std::llround(score.seconds_at(tick) * sample_rate)); };
  for (const PartShare& share : shares) {
    const Part& part = score.parts[share.part];
    for (const Control& c : part.controls) {
      events_.push_back({at(static_cast<double>(c.tick)), EventKind::kControl, part.channel, c.controller, std::clamp(c.value, 0, 127)});
    }
    for (const Note& n : part.notes) {
      if (!share.pitches.empty() && !std::binary_search(share.pitches.begin(), share.pitches.end(), n.pitch)) continue;
      const double on_tick = static_cast<double>(n.tick + n.offset);
      const int64_t on = at(on_tick);
      const int64_t off = at(on_tick + static_cast<double>(n.length));
      events_.push_back({on, EventKind::kNoteOn, part.channel, n.pitch, n.velocity});
      events_.push_back({std::max(off, on + 1), EventKind::kNoteOff, part.channel, n.pitch, 0});
    }
  }
  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
    return a.sample != b.sample ? a.sample < b.sample : a.kind < b.kind;  // offs first: a repeated note re-strikes
  });
  next_ = 0;
  done_ = 0;
}

Status SynthLane::render(size_t count) {
  fluid_synth_t* syn = fluid_.synth.get();
  for (size_t pos = 0; pos < count;) {
    const int64_t now = done_ + static_cast<int64_t>(pos);
    while (next_ < events_.size() && events_[next_].sample <= now) {
      const Event& e = events_[next_++];
      if (e.kind == EventKind::kNoteOn) fluid_synth_noteon(syn, e.channel, e.number, e.value);
      else if (e.kind == EventKind::kControl) fluid_synth_cc(syn, e.channel, e.number, e.value);
      else fluid_synth_noteoff(syn, e.channel, e.number);
    }
    size_t len = count - pos;
    if (next_ < events_.size()) len = std::min(len, static_cast<size_t>(events_[next_].sample - now));
    if (auto ok = outputs_.synthesise(syn, pos, len); !ok) return ok;
    pos += len;
  }
  outputs_.finish(count);
  done_ += static_cast<int64_t>(count);
  return {};
}

void SynthLane::all_sounds_off() {
  for (int c = 0; c < 16; ++c) fluid_synth_all_sounds_off(fluid_.synth.get(), c);
}

}  // namespace bgm
