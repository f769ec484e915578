#include "synth/level_match.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include "audio/k_meter.h"
#include "synth/fluid_handles.h"
#include "synth/fluid_outputs.h"
#include "synth/part_image.h"

namespace bgm {
namespace {

constexpr double kReleaseS = 0.3;  // each probe note is measured this long after its release
constexpr size_t kProbeBlock = 1024;

// Renders `frames` frames of the synthesiser's output, dry and effects shaped into one stereo pair, and meters it
// (a preset's own reverb and chorus sends are part of its sound; the effects run as the probe asks, see probe_synth).
void render_into(fluid_synth_t* synth, FluidOutputs& outputs, size_t frames, KMeter& meter) {
  for (size_t done = 0; done < frames; done += kProbeBlock) {
    const size_t n = std::min(kProbeBlock, frames - done);
    if (!outputs.synthesise(synth, 0, n)) return;  // FluidSynth failed: the level so far
    outputs.finish(n);
    meter.add(outputs.left(0), outputs.right(0), n);
  }
}

// The probe on `channel` of `synth`, whatever it has selected.
double probe_level(fluid_synth_t* synth, int channel, const ProbeShape& shape, int sample_rate) {
  fluid_synth_cc(synth, channel, 121, 0);  // reset all controllers
  fluid_synth_cc(synth, channel, 7, 100);
  fluid_synth_cc(synth, channel, 10, 64);
  fluid_synth_cc(synth, channel, 91, std::clamp(shape.reverb_send, 0, 127));
  fluid_synth_cc(synth, channel, 93, std::clamp(shape.chorus_send, 0, 127));
  fluid_synth_set_gen(synth, channel, GEN_CHORUSSEND, shape.preset_chorus ? 0.0f : -1000.0f);
  set_high_pass(synth, channel, shape.low_cut_hz);
  // One audio group and one effects group (FluidSynth's defaults), into one output.
  FluidRouting routing = one_output(1, 1);
  routing.shaped = shape.shaped;
  FluidOutputs outputs(routing, kProbeBlock, sample_rate);
  if (shape.shaped) outputs.set_group_image(0, {shape.width, 0.5, 0.0});
  KMeter meter(sample_rate);
  const auto held = static_cast<size_t>(std::lround(shape.held_s * sample_rate));
  const auto released = static_cast<size_t>(std::lround(kReleaseS * sample_rate));
  for (int note : shape.notes) {
    fluid_synth_noteon(synth, channel, std::clamp(note, 0, 127), std::clamp(shape.velocity, 1, 127));
    render_into(synth, outputs, held, meter);
    fluid_synth_noteoff(synth, channel, std::clamp(note, 0, 127));
    render_into(synth, outputs, released, meter);
    fluid_synth_all_sounds_off(synth, channel);
  }
  double sum = 0;
  for (double e : meter.sub_block_energies()) sum += e;
  const auto blocks = static_cast<double>(meter.sub_block_energies().size());
  return sum > 0 && blocks > 0 ? -0.691 + 10.0 * std::log10(sum / blocks) : -HUGE_VAL;
}

// A synthesiser for one probe, one stereo output, in the probe's effects (and its high-pass, when it has one).
FluidSynthPtr probe_synth(fluid_settings_t* settings, const ProbeShape& shape, int sample_rate) {
  fluid_settings_setnum(settings, "synth.sample-rate", sample_rate);
  fluid_settings_setint(settings, "synth.reverb.active", 1);
  fluid_settings_setint(settings, "synth.chorus.active", 1);
  FluidSynthPtr synth(new_fluid_synth(settings));
  if (!synth) return synth;
  fluid_synth_t* s = synth.get();
  fluid_synth_set_reverb_group_roomsize(s, -1, std::clamp(shape.reverb_room, 0.0, 1.0));
  fluid_synth_set_reverb_group_damp(s, -1, std::clamp(shape.reverb_damp, 0.0, 1.0));
  fluid_synth_set_reverb_group_width(s, -1, std::clamp(shape.reverb_width, 0.0, 100.0));
  fluid_synth_set_reverb_group_level(s, -1, std::clamp(shape.reverb_level, 0.0, 1.0));
  fluid_synth_set_chorus_group_level(s, -1, std::clamp(shape.chorus_level, 0.0, 10.0));
  if (shape.low_cut_hz > 0) fluid_synth_set_custom_filter(s, FLUID_IIR_HIGHPASS, FLUID_IIR_NO_GAIN_AMP);
  return synth;
}


}  // namespace

ProbeKind probe_kind(const Part& part) {
  if (part.role == Role::kDrums) return ProbeKind::kKit;
  if (part.notes.empty()) return part.role == Role::kBass ? ProbeKind::kLow : ProbeKind::kHigh;
  std::vector<int> pitches;
  for (const Note& n : part.notes) pitches.push_back(n.pitch);
  std::nth_element(pitches.begin(), pitches.begin() + static_cast<std::ptrdiff_t>(pitches.size() / 2), pitches.end());
  const int median = pitches[pitches.size() / 2];
  return median < 53 ? ProbeKind::kLow : median < 72 ? ProbeKind::kHigh : ProbeKind::kTop;
}

double probe_preset_level(fluid_sfont_t* sfont, int bank, int program, const ProbeShape& shape, int sample_rate) {
  FluidSettingsPtr settings(new_fluid_settings());
  if (!settings || !sfont) return -HUGE_VAL;
  FluidSynthPtr synth = probe_synth(settings.get(), shape, sample_rate);
  if (!synth) return -HUGE_VAL;
  const LentSoundFont lent(synth.get(), sfont);
  if (lent.id() == FLUID_FAILED) return -HUGE_VAL;
  const int channel = bank == 128 ? 9 : 0;
  // The bank offset a SoundFont was loaded with (synth/fluid_setup.h) goes with it.
  const int offset = fluid_synth_get_bank_offset(synth.get(), lent.id());
  if (fluid_synth_program_select(synth.get(), channel, lent.id(), bank + offset, program) != FLUID_OK) return -HUGE_VAL;
  return probe_level(synth.get(), channel, shape, sample_rate);
}

ProbeShape band_probe(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kLow: return {{36, 43, 50}, 100, 1.2};
    case ProbeKind::kHigh: return {{55, 64, 72}, 100, 1.2};
    case ProbeKind::kTop: return {{67, 76, 84}, 100, 1.2};
    case ProbeKind::kKit: return {{36, 38, 42}, 100, 1.2};  // kick, snare, closed hat
  }
  return {{60, 64, 67}, 100, 1.2};
}

ProbeShape part_probe(const Part& part, const Score& score) {
  ProbeShape shape = band_probe(probe_kind(part));
  shape.reverb_room = score.reverb_room;
  shape.reverb_damp = kPieceReverbDamp;
  shape.reverb_width = kPieceReverbWidth;
  shape.reverb_level = score.reverb_level;
  shape.chorus_level = score.chorus_level;
  shape.reverb_send = part.reverb;
  shape.chorus_send = part.chorus;
  shape.preset_chorus = part.preset_chorus;
  shape.low_cut_hz = part.low_cut_hz;
  shape.shaped = true;
  shape.width = part.width;
  if (part.notes.empty()) return shape;
  std::vector<int> velocities, lengths_ms;
  std::map<int, int> count;  // a kit's drums by how often they are played
  std::vector<int> pitches;
  for (const Note& n : part.notes) {
    velocities.push_back(n.velocity);
    const double on = static_cast<double>(n.tick + n.offset);
    lengths_ms.push_back(static_cast<int>(std::lround(1000.0 * (score.seconds_at(on + static_cast<double>(n.length)) - score.seconds_at(on)))));
    pitches.push_back(n.pitch);
    ++count[n.pitch];
  }
  auto median = [](std::vector<int> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  shape.velocity = median(velocities);
  // In steps of 50 ms: parts that play alike share a probe (and its cached level).
  shape.held_s = std::clamp(std::round(median(lengths_ms) / 50.0) * 0.05, 0.1, 2.5);
  if (part.role == Role::kDrums) {
    std::vector<std::pair<int, int>> most(count.begin(), count.end());
    std::stable_sort(most.begin(), most.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (size_t i = 0; i < 3; ++i) shape.notes[i] = most[std::min(i, most.size() - 1)].first;
    std::sort(shape.notes.begin(), shape.notes.end());
    return shape;
  }
  std::sort(pitches.begin(), pitches.end());
  const size_t last = pitches.size() - 1;
  shape.notes = {pitches[last / 5], pitches[last / 2], pitches[last - last / 5]};
  return shape;
}

double cached_probe_level(const std::string& soundfont_key, int bank, int program, const ProbeShape& shape,
                          const std::function<double()>& measure) {
  using Key = std::tuple<std::string, int, int, ProbeShape>;
  static std::mutex lock;
  static std::map<Key, double> levels;
  constexpr size_t kMostEntries = 4096;  // many pieces' parts in several SoundFonts
  Key key{soundfont_key, bank, program, shape};
  {
    std::lock_guard<std::mutex> hold(lock);
    if (auto it = levels.find(key); it != levels.end()) return it->second;
  }
  const double level = measure();
  std::lock_guard<std::mutex> hold(lock);
  if (levels.size() >= kMostEntries) levels.clear();
  levels.emplace(std::move(key), level);
  return level;
}

const std::filesystem::path& reference_soundfont_path() {
  static const std::filesystem::path path = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
  return path;
}

std::optional<double> reference_probe_level(int bank, int program, const ProbeShape& shape, int sample_rate) {
  // FluidR3 held for the process by a synthesiser of its own that never plays (its probes borrow the SoundFont).
  struct Reference {
    FluidSettingsPtr settings;
    FluidSynthPtr owner;
    fluid_sfont_t* sfont = nullptr;
  };
  static std::mutex turns;
  std::lock_guard<std::mutex> hold(turns);
  static const std::unique_ptr<Reference> reference = []() -> std::unique_ptr<Reference> {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(reference_soundfont_path(), ec)) return nullptr;
    auto r = std::make_unique<Reference>();
    r->settings.reset(new_fluid_settings());
    if (!r->settings) return nullptr;
    fluid_settings_setint(r->settings.get(), "synth.dynamic-sample-loading", 1);
    r->owner.reset(new_fluid_synth(r->settings.get()));
    if (!r->owner) return nullptr;
    const int id = fluid_synth_sfload(r->owner.get(), reference_soundfont_path().c_str(), 1);
    if (id == FLUID_FAILED) return nullptr;
    r->sfont = fluid_synth_get_sfont_by_id(r->owner.get(), id);
    return r->sfont ? std::move(r) : nullptr;
  }();
  if (!reference || !fluid_sfont_get_preset(reference->sfont, bank, program)) return std::nullopt;
  const double level = cached_probe_level("FluidR3 reference|" + std::to_string(sample_rate), bank, program, shape,
                                          [&] { return probe_preset_level(reference->sfont, bank, program, shape, sample_rate); });
  if (!std::isfinite(level)) return std::nullopt;
  return level;
}

double level_match_db(fluid_sfont_t* sfont, const std::string& soundfont_key, const Part& part, const Score& score, int bank,
                      int program, int sample_rate, double limit_db) {
  auto measured = [&](const ProbeShape& shape) {
    return cached_probe_level(soundfont_key, bank, program, shape, [&] { return probe_preset_level(sfont, bank, program, shape, sample_rate); });
  };
  const int own_bank = part.role == Role::kDrums ? 128 : part.bank;
  const ProbeShape shape = part_probe(part, score);
  std::optional<double> reference = reference_probe_level(own_bank, part.program, shape, sample_rate);
  double level = 0;
  if (reference) {
    level = measured(shape);
  } else {
    // No FluidR3 here: the band probe against its table, when the part plays its own preset.
    const ProbeKind kind = probe_kind(part);
    if (bank != own_bank || program != part.program) return 0;
    reference = reference_level(program, kind);
    if (!reference) return 0;
    level = measured(band_probe(kind));
  }
  return std::isfinite(level) ? std::clamp(*reference - level, -limit_db, limit_db) : 0;
}

std::vector<ProbeLevel> measure_soundfont_levels(const std::filesystem::path& soundfont, int sample_rate) {
  FluidSettingsPtr settings(new_fluid_settings());
  if (!settings) return {};
  fluid_settings_setnum(settings.get(), "synth.sample-rate", sample_rate);
  FluidSynthPtr owner(new_fluid_synth(settings.get()));  // holds the SoundFont the probes borrow
  if (!owner) return {};
  const int id = fluid_synth_sfload(owner.get(), soundfont.c_str(), 1);
  if (id == FLUID_FAILED) return {};
  fluid_sfont_t* sfont = fluid_synth_get_sfont_by_id(owner.get(), id);
  std::vector<ProbeLevel> out;
  for (int program = 0; program < 128; ++program) {
    if (!fluid_sfont_get_preset(sfont, 0, program)) continue;
    for (ProbeKind kind : {ProbeKind::kLow, ProbeKind::kHigh, ProbeKind::kTop}) {
      const double lufs = probe_preset_level(sfont, 0, program, band_probe(kind), sample_rate);
      if (std::isfinite(lufs)) out.push_back({program, kind, lufs});  // silent: no samples in that band
    }
  }
  for (int kit = 0; kit < 128; ++kit) {
    if (!fluid_sfont_get_preset(sfont, 128, kit)) continue;
    const double lufs = probe_preset_level(sfont, 128, kit, band_probe(ProbeKind::kKit), sample_rate);
    if (std::isfinite(lufs)) out.push_back({kit, ProbeKind::kKit, lufs});
  }
  return out;
}

}  // namespace bgm
