#include "synth/fluid_setup.h"

#include <algorithm>
#include <fstream>

#include "synth/level_match.h"
#include "synth/soundfont_synth.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

// The SoundFont's banks as the synthesiser sees them, moved out of MIDI's range: FluidSynth selects bank 0's
// piano and bank 128's kit on every channel when a SoundFont is loaded, reset or lent, and with dynamic sample
// loading that decodes them (half a second for MuseScore General's Ogg samples, for each synthesiser) in pieces
// that play neither. With the banks moved, those defaults find nothing, and a part's preset is selected with the
// offset added. The offset is kept with the SoundFont, so a synthesiser it is lent to sees it too.
constexpr int kHiddenBankOffset = 20000;

// FluidSynth prints to stderr by default; its messages are not for our users.
void quiet_fluid_logging() {
  static const bool once = [] {
    for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG}) fluid_set_log_function(level, nullptr, nullptr);
    return true;
  }();
  (void)once;
}

bool looks_like_soundfont(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  char head[12] = {};
  f.read(head, sizeof head);
  return f.gcount() == 12 && std::string(head, 4) == "RIFF" && std::string(head + 8, 4) == "sfbk";
}

// The bank and program a part plays in `sfont`: its own, else the SoundFont's first kit or instrument (small
// SoundFonts lack presets).
std::pair<int, int> preset_of(fluid_sfont_t* sfont, const Part& part) {
  int bank = part.role == Role::kDrums ? 128 : part.bank;
  int program = part.program;
  if (sfont && !fluid_sfont_get_preset(sfont, bank, program)) program = 0;
  if (sfont && !fluid_sfont_get_preset(sfont, bank, program)) bank = 0;
  return {bank, program};
}

}  // namespace

Result<FluidInstance> open_fluid(const FluidOpenOptions& options) {
  quiet_fluid_logging();
  fs::path path = options.soundfont;
  if (path.empty()) {
    auto found = default_soundfont_path();
    if (!found) return make_error(ErrorCode::kResourceMissing, missing_soundfont_message("/usr/share/sounds/sf2/FluidR3_GM.sf2"));
    path = *found;
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return make_error(ErrorCode::kResourceMissing, missing_soundfont_message(path));
  if (!looks_like_soundfont(path)) {
    return make_error(ErrorCode::kSynth, path.string() + " is not a SoundFont (.sf2) file. Give a General MIDI SoundFont, "
                                                         "for example /usr/share/sounds/sf2/FluidR3_GM.sf2.");
  }

  FluidInstance fluid;
  fluid.settings.reset(new_fluid_settings());
  if (!fluid.settings) return make_error(ErrorCode::kSynth, "FluidSynth could not allocate its settings.");
  fluid_settings_t* s = fluid.settings.get();
  fluid_settings_setnum(s, "synth.sample-rate", options.sample_rate);
  fluid_settings_setint(s, "synth.polyphony", 512);
  fluid_settings_setint(s, "synth.cpu-cores", std::max(1, options.cpu_cores));
  fluid_settings_setint(s, "synth.dynamic-sample-loading", 1);
  fluid_settings_setint(s, "synth.reverb.active", 1);
  fluid_settings_setint(s, "synth.chorus.active", 1);
  fluid_settings_setint(s, "synth.audio-groups", std::max(1, options.audio_groups));
  fluid_settings_setint(s, "synth.audio-channels", std::max(1, options.audio_groups));
  fluid_settings_setint(s, "synth.effects-groups", std::max(1, options.effects_groups));
  fluid.synth.reset(new_fluid_synth(s));
  if (!fluid.synth) return make_error(ErrorCode::kSynth, "FluidSynth could not start a synthesiser.");
  // The custom filter as each part's high-pass (its cutoff set per channel), at the level the notes had without it.
  if (options.part_high_pass) fluid_synth_set_custom_filter(fluid.synth.get(), FLUID_IIR_HIGHPASS, FLUID_IIR_NO_GAIN_AMP);
  fluid.sfont_id = fluid_synth_sfload(fluid.synth.get(), path.c_str(), 0);  // no default presets (below)
  if (fluid.sfont_id == FLUID_FAILED) {
    return make_error(ErrorCode::kSynth, "FluidSynth could not load the SoundFont " + path.string() +
                                             ". The file may be damaged; reinstall it (sudo apt install --reinstall fluid-soundfont-gm).");
  }
  fluid_synth_set_bank_offset(fluid.synth.get(), fluid.sfont_id, kHiddenBankOffset);
  const auto size = fs::file_size(path, ec);
  const auto modified = fs::last_write_time(path, ec).time_since_epoch().count();
  fluid.is_reference = fs::equivalent(path, reference_soundfont_path(), ec);
  fluid.probe_key = fs::absolute(path, ec).string() + "|" + std::to_string(size) + "|" + std::to_string(modified) + "|" +
                    std::to_string(options.sample_rate);
  fluid.path = std::move(path);
  return fluid;
}

double select_part(FluidInstance& fluid, int channel, const Part& part, const Score& score) {
  fluid_synth_t* syn = fluid.synth.get();
  fluid_sfont_t* sfont = fluid_synth_get_sfont_by_id(syn, fluid.sfont_id);
  const auto [bank, program] = preset_of(sfont, part);
  // Selected before the probes: with dynamic sample loading the preset's samples then stay loaded for them.
  fluid_synth_program_select(syn, channel, fluid.sfont_id, bank + kHiddenBankOffset, program);
  if (fluid.is_reference || !sfont) return 0.0;
  int sample_rate = kSampleRate;
  double rate = 0;
  if (fluid_settings_getnum(fluid.settings.get(), "synth.sample-rate", &rate) == FLUID_OK) sample_rate = static_cast<int>(rate);
  return level_match_db(sfont, fluid.probe_key, part, score, bank, program, sample_rate, kMaxLevelMatchDb);
}

PresetHold::PresetHold(FluidInstance& fluid, const std::vector<const Part*>& parts) {
  fluid_sfont_t* sfont = fluid_synth_get_sfont_by_id(fluid.synth.get(), fluid.sfont_id);
  settings_.reset(new_fluid_settings());
  if (!sfont || !settings_) return;
  fluid_settings_setint(settings_.get(), "synth.reverb.active", 0);
  fluid_settings_setint(settings_.get(), "synth.chorus.active", 0);
  synth_.reset(new_fluid_synth(settings_.get()));
  if (!synth_) return;
  lent_.emplace(synth_.get(), sfont);
  if (lent_->id() == FLUID_FAILED) return;
  for (size_t i = 0; i < parts.size() && i < static_cast<size_t>(fluid_synth_count_midi_channels(synth_.get())); ++i) {
    const auto [bank, program] = preset_of(sfont, *parts[i]);
    fluid_synth_program_select(synth_.get(), static_cast<int>(i), lent_->id(), bank + kHiddenBankOffset, program);
  }
}

void apply_part(fluid_synth_t* syn, int channel, const Part& part, double lift_db) {
  fluid_synth_set_gen(syn, channel, GEN_ATTENUATION, static_cast<float>(10.0 * (kMaxLevelMatchDb - lift_db)));  // centibels
  fluid_synth_cc(syn, channel, 7, part.volume);
  fluid_synth_cc(syn, channel, 10, part.pan);
  fluid_synth_cc(syn, channel, 91, part.reverb);
  fluid_synth_cc(syn, channel, 93, part.chorus);
  // An offset on the channel's generator: -100% cancels whatever the preset and CC93 send.
  fluid_synth_set_gen(syn, channel, GEN_CHORUSSEND, part.preset_chorus ? 0.0f : -1000.0f);
  set_high_pass(syn, channel, part.low_cut_hz);
}

void apply_piece_effects(fluid_synth_t* syn, const Score& score) {
  fluid_synth_set_reverb_group_roomsize(syn, -1, std::clamp(score.reverb_room, 0.0, 1.0));
  fluid_synth_set_reverb_group_level(syn, -1, std::clamp(score.reverb_level, 0.0, 1.0));
  fluid_synth_set_reverb_group_damp(syn, -1, kPieceReverbDamp);
  fluid_synth_set_reverb_group_width(syn, -1, kPieceReverbWidth);
  fluid_synth_set_chorus_group_level(syn, -1, std::clamp(score.chorus_level, 0.0, 10.0));
  // A style without chorus (its level 0) does not run the chorus units: they would only add zeros.
  fluid_synth_chorus_on(syn, -1, score.chorus_level > 0 ? 1 : 0);
}

}  // namespace bgm
