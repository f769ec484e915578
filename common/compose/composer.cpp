#include "compose/composer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <utility>

#include "compose/drum_plan.h"
#include "compose/form.h"
#include "compose/writers.h"
#include "core/rng.h"

namespace bgm {
namespace {

using namespace compose_detail;

int pan_for(Role role, int index) {
  switch (role) {
    case Role::kBass: case Role::kDrums: case Role::kMelody: return 64;
    case Role::kHarmony: return 46;
    case Role::kPad: return index % 2 == 0 ? 78 : 52;
    case Role::kCounter: return 86;
  }
  return 64;
}

// Below the part's notes, a SoundFont's samples carry rumble (a warm pad's sub-bass, a bass's DC) that muddies
// the mix; every part but the bass and the kit is cut well under its range, as a mixing engineer would.
double low_cut_for(Role role) {
  switch (role) {
    case Role::kDrums: return 30;
    case Role::kBass: return 35;
    case Role::kHarmony: return 70;
    case Role::kPad: return 90;
    case Role::kMelody: case Role::kCounter: return 110;
  }
  return 0;
}

// How wide a part plays around its pan (synth/part_image.h): the tune and the line answering it keep 40% of their
// side (a stereo piano's two microphones, a layered lead's samples), so one speaker does not thin them out; the
// rest plays as its preset does.
double width_for(Role role) { return role == Role::kMelody || role == Role::kCounter ? 0.4 : 1.0; }

Part make_part(const PartPreset& p, int channel, int index) {
  Part part;
  part.name = p.name;
  part.role = p.role;
  part.channel = channel;
  part.program = p.program;
  part.bank = p.role == Role::kDrums ? 128 : p.bank;
  part.volume = p.volume;
  part.reverb = p.reverb_send;
  part.chorus = p.chorus_send;
  part.pan = p.pan >= 0 ? p.pan : pan_for(p.role, index);
  part.low_cut_hz = p.low_cut_hz >= 0 ? p.low_cut_hz : low_cut_for(p.role);
  part.width = p.width >= 0 ? p.width : width_for(p.role);
  // FluidSynth's chorus turns a centred line into an out-of-phase pair: the tune, its answer and the bass play
  // without the chorus their presets ask for, unless the style sends them to it.
  const bool line = p.role == Role::kMelody || p.role == Role::kCounter || p.role == Role::kBass;
  part.preset_chorus = !line || p.chorus_send > 0;
  return part;
}

// No note may sound past `end_tick` (the release point of the ending, or the loop's end).
void clip(Part& part, int64_t end_tick) {
  std::erase_if(part.notes, [&](const Note& n) { return n.tick >= end_tick; });
  for (Note& n : part.notes) n.length = std::min(n.length, end_tick - n.tick);
}

}  // namespace

Result<Score> compose(const MusicSpec& spec, const StylePreset& style) { return compose_on_form(spec, style, plan_form(spec, style)); }

Result<Score> compose_on_form(const MusicSpec& spec, const StylePreset& style, const FormPlan& plan) {
  if (spec.parts.empty()) return make_error(ErrorCode::kInvalidArgument, "The music spec has no parts to compose for.");
  Score score;
  score.key = spec.key;
  score.loop = spec.loop;
  score.duration_s = spec.duration_s;
  score.tempo = plan.tempo.empty() ? std::vector<TempoChange>{{0, plan.bpm}} : plan.tempo;
  score.sections = plan.sections;
  score.reverb_room = style.reverb_room;
  score.reverb_level = style.reverb_level;
  score.chorus_level = style.chorus_level;
  if (score.sections.empty()) return make_error(ErrorCode::kInternal, "The form planner produced no sections.");
  slow_into_the_ending(score, style.ritardando);
  score.music_end_tick = score.sections.back().start_tick + score.sections.back().length;

  Rng rng(spec.seed);
  Rng harmony_rng = rng.fork("harmony");
  write_chords(score, style, harmony_rng);

  // Pitched parts on even channels, then the odd ones; drums on channel 10. The
  // channels follow the spec's order of parts, and so do the parts in the score.
  static const int kPitchedChannels[] = {0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 11, 13, 15};
  struct Slot {
    size_t preset;
    int channel, twin_channel;  // twin_channel: a doubled part's second take, or -1
  };
  std::vector<Slot> slots;
  size_t next_channel = 0;
  bool has_drums = false;
  for (size_t i = 0; i < spec.parts.size(); ++i) {
    const PartPreset& preset = spec.parts[i];
    int channel = kDrumChannel;
    if (preset.role != Role::kDrums) {
      if (next_channel == std::size(kPitchedChannels)) break;  // General MIDI has 15 pitched channels
      channel = kPitchedChannels[next_channel++];
    } else if (has_drums) {
      continue;  // one drum kit
    }
    has_drums = has_drums || preset.role == Role::kDrums;
    const bool twin = preset.doubled && next_channel < std::size(kPitchedChannels);
    slots.push_back({i, channel, twin ? kPitchedChannels[next_channel++] : -1});
  }
  // The tune is written first, so the parts under it can answer where it rests.
  std::stable_partition(slots.begin(), slots.end(), [&](const Slot& sl) { return spec.parts[sl.preset].role == Role::kMelody; });

  // Each part draws from its own stream, named after its preset and place in the spec.
  auto part_rng_of = [&](size_t i) { return rng.fork(spec.parts[i].name + "#" + std::to_string(i)); };
  // The drums are planned before any part is written: the bass locks to their kick.
  std::optional<DrumPlan> drums;
  for (const Slot& slot : slots)
    if (spec.parts[slot.preset].role == Role::kDrums) drums = plan_drums(style, spec.parts[slot.preset], part_rng_of(slot.preset));

  std::vector<size_t> preset_of;  // the preset of each part in score.parts, to put them back in the spec's order
  for (const Slot& slot : slots) {
    const size_t i = slot.preset;
    const PartPreset& preset = spec.parts[i];
    Part part = make_part(preset, slot.channel, static_cast<int>(i));
    Rng part_rng = part_rng_of(i);
    switch (preset.role) {
      case Role::kDrums: write_drums(part, score, style, *drums, part_rng); break;
      case Role::kBass: write_bass(part, score, style, preset, drums ? &*drums : nullptr, part_rng); break;
      case Role::kMelody: write_melody(part, score, style, preset, part_rng); break;
      default: write_accompaniment(part, score, style, preset, part_rng); break;
    }
    write_ending(part, score, style, preset);
    clip(part, score.music_end_tick);
    write_expression(part, score, style);
    std::vector<std::pair<Part, Rng>> takes;
    if (slot.twin_channel >= 0) {
      // A second take panned to the other side, 3 dB down each so the pair is as loud as one; its own timing
      // (the feel below) keeps the two apart.
      Part twin = part;
      twin.name += " double";
      twin.channel = slot.twin_channel;
      twin.pan = 127 - part.pan;
      if (preset.double_program >= 0) twin.program = preset.double_program;
      part.volume = twin.volume = static_cast<int>(std::lround(part.volume * 0.84));
      takes.emplace_back(std::move(part), std::move(part_rng));
      takes.emplace_back(std::move(twin), rng.fork(preset.name + "#double#" + std::to_string(i)));
    } else {
      takes.emplace_back(std::move(part), std::move(part_rng));
    }
    for (auto& [take, take_rng] : takes) {
      apply_feel(take, style, plan.bpm, take_rng);
      if (!score.loop) {
        // Played a little late or early, nothing sounds past the release (a loop's overhang is folded instead).
        for (Note& n : take.notes) n.length = std::max<int64_t>(1, std::min(n.length, score.music_end_tick - (n.tick + n.offset)));
      }
      std::stable_sort(take.notes.begin(), take.notes.end(), [](const Note& a, const Note& b) { return a.tick < b.tick; });
      score.parts.push_back(std::move(take));  // seen by the parts written after it
      preset_of.push_back(i);
    }
  }
  std::vector<size_t> order(score.parts.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return preset_of[a] < preset_of[b]; });
  std::vector<Part> in_order;
  in_order.reserve(order.size());
  for (size_t k : order) in_order.push_back(std::move(score.parts[k]));
  score.parts = std::move(in_order);
  return score;
}

}  // namespace bgm
