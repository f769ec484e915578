#pragma once
// Owning handles for FluidSynth's settings and synthesiser.
// Thread: a handle belongs to whoever owns the synthesiser.

#include <fluidsynth.h>

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

}  // namespace bgm
