#include "synth/level_match.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "audio/k_meter.h"
#include "synth/fluid_handles.h"

namespace bgm {
namespace {

constexpr double kNoteS = 1.2;   // each probe note held this long (past a pad's attack, into its sustain)
constexpr double kSlotS = 1.5;   // and measured over this long (its release included)
constexpr int kVelocity = 100;

std::array<int, 3> probe_notes(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kLow: return {36, 43, 50};
    case ProbeKind::kHigh: return {55, 64, 72};
    case ProbeKind::kTop: return {67, 76, 84};
    case ProbeKind::kKit: return {36, 38, 42};  // kick, snare, closed hat
  }
  return {60, 64, 67};
}

// Renders `frames` frames of every output group and effect into one stereo pair and meters it (a preset's own
// reverb and chorus sends are part of its sound; the effects run at FluidSynth's defaults, see probe_effects).
void render_into(fluid_synth_t* synth, size_t frames, KMeter& meter) {
  const int groups = fluid_synth_count_audio_groups(synth);
  const int effects = fluid_synth_count_effects_groups(synth) * fluid_synth_count_effects_channels(synth);
  constexpr size_t kBlock = 1024;
  std::vector<float> left(kBlock), right(kBlock);
  std::vector<float*> dry, fx;
  for (int g = 0; g < groups; ++g) dry.push_back(left.data()), dry.push_back(right.data());
  for (int e = 0; e < effects; ++e) fx.push_back(left.data()), fx.push_back(right.data());
  for (size_t done = 0; done < frames; done += kBlock) {
    const size_t n = std::min(kBlock, frames - done);
    std::fill(left.begin(), left.end(), 0.0f);
    std::fill(right.begin(), right.end(), 0.0f);
    fluid_synth_process(synth, static_cast<int>(n), static_cast<int>(fx.size()), fx.data(), static_cast<int>(dry.size()), dry.data());
    meter.add(left.data(), right.data(), n);
  }
}

}  // namespace

void set_probe_effects(fluid_synth_t* synth) {
  fluid_synth_set_reverb_group_roomsize(synth, -1, 0.2);
  fluid_synth_set_reverb_group_damp(synth, -1, 0.0);
  fluid_synth_set_reverb_group_width(synth, -1, 0.5);
  fluid_synth_set_reverb_group_level(synth, -1, 0.9);
  fluid_synth_set_chorus_group_level(synth, -1, 2.0);
}

ProbeKind probe_kind(const Part& part) {
  if (part.role == Role::kDrums) return ProbeKind::kKit;
  if (part.notes.empty()) return part.role == Role::kBass ? ProbeKind::kLow : ProbeKind::kHigh;
  std::vector<int> pitches;
  for (const Note& n : part.notes) pitches.push_back(n.pitch);
  std::nth_element(pitches.begin(), pitches.begin() + static_cast<std::ptrdiff_t>(pitches.size() / 2), pitches.end());
  const int median = pitches[pitches.size() / 2];
  return median < 53 ? ProbeKind::kLow : median < 72 ? ProbeKind::kHigh : ProbeKind::kTop;
}

double probe_level(fluid_synth_t* synth, int channel, ProbeKind kind, int sample_rate) {
  fluid_synth_cc(synth, channel, 121, 0);  // reset all controllers
  fluid_synth_cc(synth, channel, 7, 100);
  fluid_synth_cc(synth, channel, 10, 64);
  fluid_synth_cc(synth, channel, 91, 0);
  fluid_synth_cc(synth, channel, 93, 0);
  KMeter meter(sample_rate);
  const auto held = static_cast<size_t>(kNoteS * sample_rate);
  const auto slot = static_cast<size_t>(kSlotS * sample_rate);
  for (int note : probe_notes(kind)) {
    fluid_synth_noteon(synth, channel, note, kVelocity);
    render_into(synth, held, meter);
    fluid_synth_noteoff(synth, channel, note);
    render_into(synth, slot - held, meter);
    fluid_synth_all_sounds_off(synth, channel);
  }
  double sum = 0;
  for (double e : meter.sub_block_energies()) sum += e;
  const auto blocks = static_cast<double>(meter.sub_block_energies().size());
  return sum > 0 && blocks > 0 ? -0.691 + 10.0 * std::log10(sum / blocks) : -HUGE_VAL;
}

std::vector<ProbeLevel> measure_soundfont_levels(const std::filesystem::path& soundfont, int sample_rate) {
  FluidSettingsPtr settings(new_fluid_settings());
  if (!settings) return {};
  fluid_settings_setnum(settings.get(), "synth.sample-rate", sample_rate);
  FluidSynthPtr synth(new_fluid_synth(settings.get()));
  if (!synth) return {};
  const int id = fluid_synth_sfload(synth.get(), soundfont.c_str(), 1);
  if (id == FLUID_FAILED) return {};
  fluid_sfont_t* sfont = fluid_synth_get_sfont_by_id(synth.get(), id);
  set_probe_effects(synth.get());
  std::vector<ProbeLevel> out;
  for (int program = 0; program < 128; ++program) {
    if (!fluid_sfont_get_preset(sfont, 0, program)) continue;
    fluid_synth_program_select(synth.get(), 0, id, 0, program);
    for (ProbeKind kind : {ProbeKind::kLow, ProbeKind::kHigh, ProbeKind::kTop}) {
      const double lufs = probe_level(synth.get(), 0, kind, sample_rate);
      if (std::isfinite(lufs)) out.push_back({program, kind, lufs});  // silent: no samples in that band
    }
  }
  for (int kit = 0; kit < 128; ++kit) {
    if (!fluid_sfont_get_preset(sfont, 128, kit)) continue;
    fluid_synth_program_select(synth.get(), 9, id, 128, kit);
    const double lufs = probe_level(synth.get(), 9, ProbeKind::kKit, sample_rate);
    if (std::isfinite(lufs)) out.push_back({kit, ProbeKind::kKit, lufs});
  }
  return out;
}

}  // namespace bgm
