#pragma once
// Owning handles for FluidSynth's settings and synthesiser, a SoundFont lent for a scope, and the part's high-pass
// as the piece and the level probes both set it.
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

// Lends a SoundFont another synthesiser owns to `synth` for the scope: given back before the synthesiser is
// deleted (a synthesiser frees the SoundFonts it still holds).
class LentSoundFont {
 public:
  LentSoundFont(fluid_synth_t* synth, fluid_sfont_t* sfont) : synth_(synth), sfont_(sfont), id_(fluid_synth_add_sfont(synth, sfont)) {}
  ~LentSoundFont() {
    if (id_ == FLUID_FAILED) return;
    for (int c = 0; c < fluid_synth_count_midi_channels(synth_); ++c) fluid_synth_unset_program(synth_, c);
    fluid_synth_remove_sfont(synth_, sfont_);
  }
  LentSoundFont(const LentSoundFont&) = delete;
  LentSoundFont& operator=(const LentSoundFont&) = delete;
  int id() const { return id_; }

 private:
  fluid_synth_t* synth_;
  fluid_sfont_t* sfont_;
  int id_;
};

// Sets `channel`'s high-pass (FluidSynth's custom filter, which the synthesiser must have set to a high-pass) to
// `hz`, in absolute cents (8.176 Hz * 2^(cents/1200)); at or under 8.176 Hz, 0 cents: as good as no filter.
inline void set_high_pass(fluid_synth_t* synth, int channel, double hz) {
  const double cents = hz > 8.176 ? 1200.0 * std::log2(hz / 8.176) : 0.0;
  fluid_synth_set_gen(synth, channel, GEN_CUSTOM_FILTERFC, static_cast<float>(cents));
}

}  // namespace bgm
