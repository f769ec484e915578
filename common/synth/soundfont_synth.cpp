#include "synth/soundfont_synth.h"

#include <fluidsynth.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "synth/fluid_setup.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

constexpr int kStemChannels = 16;
// Without stems: two buses, the pitched parts (even MIDI channels) and the drums (channel 10, odd).
constexpr int kBusGroups = 2;
constexpr int kBlock = 4096;

// At one sample: note-offs, then controller changes (a pedal lift releases what was let go before the new
// notes), then note-ons.
enum class EventKind { kNoteOff, kControl, kNoteOn };

struct Event {
  int64_t sample;
  EventKind kind;
  int channel;
  int pitch;     // the controller number for kControl
  int velocity;  // the controller value for kControl
};

}  // namespace

struct SoundFontSynth::Impl {
  FluidInstance fluid;
  int sample_rate = kSampleRate;
  bool stems = false;
};

std::optional<fs::path> default_soundfont_path() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("OBS_BGM_SOUNDFONT"); env && *env) candidates.emplace_back(env);
  candidates.emplace_back("/usr/share/sounds/sf2/FluidR3_GM.sf2");
  candidates.emplace_back("/usr/share/sounds/sf2/default-GM.sf2");
  candidates.emplace_back("/usr/share/sounds/sf2/TimGM6mb.sf2");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return c;
  }
  return std::nullopt;
}

std::string missing_soundfont_message(const fs::path& tried) {
  std::string msg = "No General MIDI SoundFont was found";
  if (!tried.empty()) msg += " at " + tried.string();
  msg += ". Install one with: sudo apt install fluid-soundfont-gm (or give a .sf2 file with --soundfont FILE).";
  return msg;
}

SoundFontSynth::SoundFontSynth(std::unique_ptr<Impl> impl, fs::path soundfont)
    : impl_(std::move(impl)), soundfont_(std::move(soundfont)) {}
SoundFontSynth::~SoundFontSynth() = default;

Result<std::unique_ptr<SoundFontSynth>> SoundFontSynth::create(const SynthOptions& options) {
  // Stems: every channel with its own effects. Buses: the drums dry on their own, all reverb and chorus (one
  // effects unit) on the music bus: transients live in the dry signal, and one reverb costs half of two.
  FluidOpenOptions open;
  open.soundfont = options.soundfont;
  open.sample_rate = options.sample_rate;
  open.cpu_cores = options.cpu_cores;
  open.audio_groups = options.stems ? kStemChannels : kBusGroups;
  open.effects_groups = options.stems ? kStemChannels : 1;
  auto fluid = open_fluid(open);
  if (!fluid) return fluid.error();
  auto impl = std::make_unique<Impl>();
  impl->fluid = std::move(*fluid);
  impl->sample_rate = options.sample_rate;
  impl->stems = options.stems;
  fs::path path = impl->fluid.path;
  return std::unique_ptr<SoundFontSynth>(new SoundFontSynth(std::move(impl), std::move(path)));
}

std::vector<BusInfo> SoundFontSynth::bus_layout(const Score& score) const {
  if (!impl_->stems) return {{"music", false}, {"drums", true}};
  std::vector<BusInfo> buses;
  for (const Part& part : score.parts) buses.push_back({part.name, part.role == Role::kDrums});
  return buses;
}

Status SoundFontSynth::render(const Score& score, size_t frames, const BusSink& sink, const CancelToken* cancel,
                              const ProgressFn& progress) {
  fluid_synth_t* syn = impl_->fluid.synth.get();
  const int rate = impl_->sample_rate;
  fluid_synth_system_reset(syn);

  // Each part's level against FluidR3's for its preset (synth/level_match.h), then the piece: the style's effects,
  // each part's level and sends.
  std::vector<double> lift(score.parts.size(), 0.0);
  for (size_t i = 0; i < score.parts.size(); ++i) lift[i] = select_part(impl_->fluid, score.parts[i].channel, score.parts[i], score);
  apply_piece_effects(syn, score);
  for (size_t i = 0; i < score.parts.size(); ++i) apply_part(syn, score.parts[i].channel, score.parts[i], lift[i]);

  std::vector<Event> events;
  for (const Part& part : score.parts) {
    for (const Control& c : part.controls) {
      const auto at = static_cast<int64_t>(std::llround(score.seconds_at(static_cast<double>(c.tick)) * rate));
      events.push_back({at, EventKind::kControl, part.channel, c.controller, std::clamp(c.value, 0, 127)});
    }
    for (const Note& n : part.notes) {
      const double on_tick = static_cast<double>(n.tick + n.offset);
      const auto on = static_cast<int64_t>(std::llround(score.seconds_at(on_tick) * rate));
      const auto off = static_cast<int64_t>(std::llround(score.seconds_at(on_tick + static_cast<double>(n.length)) * rate));
      events.push_back({on, EventKind::kNoteOn, part.channel, n.pitch, n.velocity});
      events.push_back({std::max(off, on + 1), EventKind::kNoteOff, part.channel, n.pitch, 0});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.sample != b.sample ? a.sample < b.sample : a.kind < b.kind;  // offs first: a repeated note re-strikes
  });

  // Buses: one per part (stems; see bus_layout), or the pitched parts and the drums. Output channels that no part
  // uses are rendered into the block and dropped.
  const int channels = impl_->stems ? kStemChannels : kBusGroups;
  std::vector<int> bus_of_channel(static_cast<size_t>(channels), -1);
  if (impl_->stems) {
    for (size_t i = 0; i < score.parts.size(); ++i) bus_of_channel[static_cast<size_t>(score.parts[i].channel)] = static_cast<int>(i);
  } else {
    bus_of_channel = {0, 1};
  }
  // Sent in channel order, which is not always bus order: collected per bus first.
  std::vector<std::pair<const float*, const float*>> by_bus;
  const std::vector<float> silence(kBlock, 0.0f);
  std::vector<float> block(static_cast<size_t>(kBlock) * 2 * channels);
  std::vector<float*> dry(static_cast<size_t>(2 * channels));
  std::vector<float*> fx(static_cast<size_t>(4 * channels));
  for (int c = 0; c < channels; ++c) {
    float* l = block.data() + static_cast<size_t>(2 * c) * kBlock;
    float* r = l + kBlock;
    dry[static_cast<size_t>(2 * c)] = l;
    dry[static_cast<size_t>(2 * c + 1)] = r;
    // Reverb and chorus of effects group c mixed into the same channel's buffers.
    fx[static_cast<size_t>(4 * c)] = l;
    fx[static_cast<size_t>(4 * c + 1)] = r;
    fx[static_cast<size_t>(4 * c + 2)] = l;
    fx[static_cast<size_t>(4 * c + 3)] = r;
  }
  const int nfx = impl_->stems ? 4 * channels : 4;  // buses: the one effects unit returns to bus 0

  size_t next = 0;
  size_t done = 0;
  size_t last_report = 0;
  const size_t report_every = static_cast<size_t>(rate) * 2;
  while (done < frames) {
    while (next < events.size() && events[next].sample <= static_cast<int64_t>(done)) {
      const Event& e = events[next++];
      if (e.kind == EventKind::kNoteOn) fluid_synth_noteon(syn, e.channel, e.pitch, e.velocity);
      else if (e.kind == EventKind::kControl) fluid_synth_cc(syn, e.channel, e.pitch, e.velocity);
      else fluid_synth_noteoff(syn, e.channel, e.pitch);
    }
    size_t len = std::min<size_t>(kBlock, frames - done);
    if (next < events.size()) len = std::min<size_t>(len, static_cast<size_t>(events[next].sample) - done);
    std::fill(block.begin(), block.end(), 0.0f);
    if (fluid_synth_process(syn, static_cast<int>(len), nfx, fx.data(), 2 * channels, dry.data()) != FLUID_OK) {
      return make_error(ErrorCode::kSynth, "FluidSynth failed while rendering.");
    }
    by_bus.assign(impl_->stems ? score.parts.size() : 2, {nullptr, nullptr});
    for (int c = 0; c < channels; ++c) {
      const int bus = bus_of_channel[static_cast<size_t>(c)];
      if (bus < 0) continue;  // an unused channel: nothing of the score is there
      by_bus[static_cast<size_t>(bus)] = {dry[static_cast<size_t>(2 * c)], dry[static_cast<size_t>(2 * c + 1)]};
    }
    for (size_t bus = 0; bus < by_bus.size(); ++bus) {
      const float* l = by_bus[bus].first ? by_bus[bus].first : silence.data();
      const float* r = by_bus[bus].second ? by_bus[bus].second : silence.data();
      if (auto ok = sink(bus, l, r, len); !ok) return ok;
    }
    done += len;
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (progress && done - last_report >= report_every) {
      last_report = done;
      progress(Stage::kRendering, static_cast<double>(done) / static_cast<double>(frames));
    }
  }
  for (int c = 0; c < 16; ++c) fluid_synth_all_sounds_off(syn, c);
  return {};
}

}  // namespace bgm
