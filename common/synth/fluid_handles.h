#pragma once
// Owning handles for FluidSynth's settings and synthesiser, and the part's high-pass as the piece and the level
// probes both set it.
// Thread: a handle belongs to whoever owns the synthesiser.

#include <fluidsynth.h>

#include <cmath>
#include <memory>

namespace bgm {

struct FluidSettingsDeleter {
  void operator()(fluid_settings_t* s) const { delete_fluid_settings(s); }
};
struct FluidSynthDeleter {
  void operator()(fluid_synth_t* s) const { delete_fluid_synth(s); }
};
using FluidSettingsPtr = std::unique_ptr<fluid_settings_t, FluidSettingsDeleter>;
using FluidSynthPtr = std::unique_ptr<fluid_synth_t, FluidSynthDeleter>;

// Sets `channel`'s high-pass (FluidSynth's custom filter, which the synthesiser must have set to a high-pass) to
// `hz`, in absolute cents (8.176 Hz * 2^(cents/1200)); at or under 8.176 Hz, 0 cents: as good as no filter.
inline void set_high_pass(fluid_synth_t* synth, int channel, double hz) {
  const double cents = hz > 8.176 ? 1200.0 * std::log2(hz / 8.176) : 0.0;
  fluid_synth_set_gen(synth, channel, GEN_CUSTOM_FILTERFC, static_cast<float>(cents));
}

}  // namespace bgm
