#include "live/live_bank.h"

#include <algorithm>
#include <cstdint>

#include "audio/k_meter.h"
#include "synth/part_image.h"

namespace bgm {

void play_event(fluid_synth_t* syn, const LiveEvent& e) {
  switch (e.kind) {
    case LiveEventKind::kAllOff:
      fluid_synth_cc(syn, e.channel, kSustainPedal, 0);
      fluid_synth_all_notes_off(syn, e.channel);
      break;
    case LiveEventKind::kNoteOff: fluid_synth_noteoff(syn, e.channel, e.a); break;
    case LiveEventKind::kControl: fluid_synth_cc(syn, e.channel, e.a, e.b); break;
    case LiveEventKind::kNoteOn: fluid_synth_noteon(syn, e.channel, e.a, e.b); break;
  }
}

LiveBank set_up_bank(FluidInstance& fluid, int bank, const Score& score) {
  fluid_synth_t* syn = fluid.synth.get();
  LiveBank out;
  for (size_t i = 0; i < score.parts.size(); ++i) {
    const int channel = live_channel(bank, i);
    if (channel < 0) break;
    const Part& part = score.parts[i];
    fluid_synth_set_channel_type(syn, channel, part.role == Role::kDrums ? CHANNEL_TYPE_DRUM : CHANNEL_TYPE_MELODIC);
    const double lift = select_part(fluid, channel, part, score);
    apply_part(syn, channel, part, lift);
    fluid_synth_cc(syn, channel, kExpression, 127);
    out.images.emplace_back(channel, part_image(part));
    if (part.role == Role::kMelody) out.lead_channels.push_back(channel);
    if (part.role == Role::kDrums) out.drum_channel = channel;
  }
  return out;
}

FluidOutputs live_outputs(int sample_rate) { return FluidOutputs(one_output(kLiveAudioGroups, 1), kLiveOutputsBlock, sample_rate); }

Status render_live(fluid_synth_t* synth, FluidOutputs& outputs, float* left, float* right, size_t count) {
  if (auto ok = outputs.synthesise(synth, 0, count); !ok) return ok;
  outputs.finish(count);
  std::copy_n(outputs.left(0), count, left);
  std::copy_n(outputs.right(0), count, right);
  return {};
}

double opening_lufs(FluidInstance& fluid, const Score& score, int sample_rate, double seconds) {
  fluid_synth_t* syn = fluid.synth.get();
  fluid_synth_system_reset(syn);
  FluidOutputs outputs = live_outputs(sample_rate);
  for (const auto& [channel, image] : set_up_bank(fluid, 0, score).images) outputs.set_group_image(channel, image);
  apply_piece_effects(syn, score);
  const std::vector<LiveEvent> events = chapter_events(score, 0, 0, sample_rate);
  const auto frames = static_cast<int64_t>(seconds * sample_rate);
  KMeter meter(sample_rate);
  std::vector<float> l(kLiveOutputsBlock), r(kLiveOutputsBlock);
  size_t next = 0;
  for (int64_t pos = 0; pos < frames;) {
    for (; next < events.size() && events[next].sample <= pos; ++next) play_event(syn, events[next]);
    int64_t len = std::min<int64_t>(static_cast<int64_t>(kLiveOutputsBlock), frames - pos);
    if (next < events.size()) len = std::min(len, std::max<int64_t>(1, events[next].sample - pos));
    if (!render_live(syn, outputs, l.data(), r.data(), static_cast<size_t>(len))) break;  // FluidSynth failed: the level so far
    meter.add(l.data(), r.data(), static_cast<size_t>(len));
    pos += len;
  }
  fluid_synth_system_reset(syn);
  return meter.integrated_lufs();
}

}  // namespace bgm
