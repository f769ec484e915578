#include "synth/soundfont_synth.h"

#include <fluidsynth.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/parallel.h"
#include "synth/fluid_setup.h"
#include "synth/synth_lane.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

constexpr int kStemChannels = 16;
// Without stems: two buses, the pitched parts (every MIDI channel but the drums') and the drums (channel 10).
constexpr int kBusGroups = 2;
// Without stems the parts are split between two lanes (synth/synth_lane.h), whatever the threads.
constexpr size_t kBusLanes = 2;
constexpr size_t kBlock = SynthLane::kLaneBlock;

// Renders the next `len` frames of each lane into `into` (outputs x [left, right] x kBlock): their sum, in order.
Status render_into(const std::vector<SynthLane*>& lanes, size_t len, int outputs, std::vector<float>& into) {
  std::fill(into.begin(), into.end(), 0.0f);
  for (SynthLane* lane : lanes) {
    if (auto ok = lane->render(len); !ok) return ok;
    for (int c = 0; c < outputs; ++c) {
      float* l = into.data() + static_cast<size_t>(2 * c) * kBlock;
      const float* from_l = lane->left(c);
      const float* from_r = lane->right(c);
      for (size_t i = 0; i < len; ++i) l[i] += from_l[i], l[kBlock + i] += from_r[i];
    }
  }
  return {};
}

// The lanes after the first, rendered a few blocks ahead on a thread of their own and summed there; the caller
// renders the first lane and adds this sum. Stops and joins when destroyed.
class LanesAhead {
 public:
  LanesAhead(std::vector<SynthLane*> lanes, size_t frames, int outputs)
      : lanes_(std::move(lanes)), frames_(frames), outputs_(outputs) {
    for (auto& slot : slots_) slot.resize(kBlock * 2 * static_cast<size_t>(outputs_));
    thread_ = std::thread([this] { work(); });
  }
  ~LanesAhead() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  LanesAhead(const LanesAhead&) = delete;
  LanesAhead& operator=(const LanesAhead&) = delete;

  // The next block's sum (outputs x [left, right] x kBlock), valid until the next call.
  Result<const float*> next() {
    std::unique_lock lock(mutex_);
    if (holding_) {
      ++consumed_;
      holding_ = false;
      changed_.notify_all();
    }
    changed_.wait(lock, [&] { return produced_ > consumed_ || error_; });
    if (produced_ <= consumed_) return *error_;
    holding_ = true;
    return slots_[consumed_ % slots_.size()].data();
  }

 private:
  void work() {
    for (size_t block = 0, done = 0; done < frames_; ++block) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || produced_ - consumed_ < slots_.size(); });
        if (stop_) return;
      }
      const size_t len = std::min(kBlock, frames_ - done);
      if (auto ok = render_into(lanes_, len, outputs_, slots_[block % slots_.size()]); !ok) {
        std::lock_guard lock(mutex_);
        error_ = ok.error();
        changed_.notify_all();
        return;
      }
      done += len;
      {
        std::lock_guard lock(mutex_);
        ++produced_;
      }
      changed_.notify_all();
    }
  }

  std::vector<SynthLane*> lanes_;
  size_t frames_;
  int outputs_;
  std::array<std::vector<float>, 4> slots_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t produced_ = 0, consumed_ = 0;
  bool holding_ = false;  // the caller still reads slot consumed_
  bool stop_ = false;
  std::optional<Error> error_;
};

}  // namespace

struct SoundFontSynth::Impl {
  std::vector<SynthLane> lanes;
  int sample_rate = kSampleRate;
  int threads = 1;
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
  // Stems: every channel with its own effects, one lane. Buses: the drums dry on their own, all reverb and chorus
  // (one effects unit per lane) on the music bus: transients live in the dry signal, and one reverb costs half of two.
  FluidOpenOptions open;
  open.soundfont = options.soundfont;
  open.sample_rate = options.sample_rate;
  open.cpu_cores = options.stems ? options.cpu_cores : 1;
  // Every MIDI channel has an audio group of its own either way: each part is shaped alone (synth/part_image.h).
  open.audio_groups = kStemChannels;
  open.effects_groups = options.stems ? kStemChannels : 1;
  FluidRouting routing;
  routing.outputs = options.stems ? kStemChannels : kBusGroups;
  for (int c = 0; c < kStemChannels; ++c) routing.output_of_group.push_back(options.stems ? c : c == kDrumChannel ? 1 : 0);
  for (int g = 0; g < open.effects_groups; ++g) routing.output_of_effects.push_back(g);  // buses: to bus 0, the music
  auto impl = std::make_unique<Impl>();
  for (size_t i = 0; i < (options.stems ? 1 : kBusLanes); ++i) {
    auto fluid = open_fluid(open);
    if (!fluid) return fluid.error();
    impl->lanes.emplace_back(std::move(*fluid), routing, options.sample_rate);
  }
  impl->sample_rate = options.sample_rate;
  impl->threads = std::max(1, options.cpu_cores);
  impl->stems = options.stems;
  fs::path path = impl->lanes.front().fluid().path;
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
  std::vector<SynthLane>& lanes = impl_->lanes;
  // Each lane's presets decoded once for the whole render (synth/fluid_setup.h): the first lane measures every
  // part's load, the others play their share.
  std::vector<const Part*> all;
  for (const Part& part : score.parts) all.push_back(&part);
  std::vector<std::unique_ptr<PresetHold>> holds;
  holds.push_back(std::make_unique<PresetHold>(lanes.front().fluid(), all));
  const auto split = split_parts(score, lanes.size() > 1 ? part_loads(lanes.front().fluid(), score, impl_->sample_rate)
                                                         : std::vector<PartLoad>(score.parts.size()), lanes.size());
  for (size_t i = 1; i < lanes.size(); ++i) {
    std::vector<const Part*> share;
    for (const PartShare& s : split[i]) share.push_back(&score.parts[s.part]);
    holds.push_back(std::make_unique<PresetHold>(lanes[i].fluid(), share));
  }
  // Each lane selects its presets (decoding their samples where the SoundFont compresses them) and probes their
  // levels: with cores to spare, the lanes at once.
  run_tasks(lanes.size(), impl_->threads, [&](size_t i) { lanes[i].prepare(score, split[i], impl_->sample_rate); });

  // Buses: one per part (stems; see bus_layout), or the pitched parts and the drums. Output channels that no part
  // uses are rendered and dropped.
  const int channels = impl_->stems ? kStemChannels : kBusGroups;
  std::vector<int> bus_of_channel(static_cast<size_t>(channels), -1);
  if (impl_->stems) {
    for (size_t i = 0; i < score.parts.size(); ++i) bus_of_channel[static_cast<size_t>(score.parts[i].channel)] = static_cast<int>(i);
  } else {
    bus_of_channel = {0, 1};
  }
  // The lanes after the first on a thread of their own when there are threads for it; their sum is added to the
  // first lane's in the same order either way.
  std::vector<SynthLane*> rest;
  for (size_t i = 1; i < lanes.size(); ++i) rest.push_back(&lanes[i]);
  std::optional<LanesAhead> ahead;
  if (!rest.empty() && impl_->threads > 1) ahead.emplace(rest, frames, channels);
  std::vector<float> sum(kBlock * 2 * static_cast<size_t>(channels)), own(sum.size());
  // Sent in channel order, which is not always bus order: collected per bus first.
  std::vector<std::pair<const float*, const float*>> by_bus(impl_->stems ? score.parts.size() : 2);
  const std::vector<float> silence(kBlock, 0.0f);

  size_t done = 0;
  size_t last_report = 0;
  const size_t report_every = static_cast<size_t>(impl_->sample_rate) * 2;
  while (done < frames) {
    const size_t len = std::min(kBlock, frames - done);
    if (auto ok = render_into({&lanes.front()}, len, channels, sum); !ok) return ok;
    const float* others = nullptr;
    if (ahead) {
      auto got = ahead->next();
      if (!got) return got.error();
      others = *got;
    } else if (!rest.empty()) {
      // One thread: the other lanes here, summed as the thread sums them.
      if (auto ok = render_into(rest, len, channels, own); !ok) return ok;
      others = own.data();
    }
    if (others) {
      for (size_t i = 0; i < sum.size(); ++i) sum[i] += others[i];
    }
    std::fill(by_bus.begin(), by_bus.end(), std::pair<const float*, const float*>{nullptr, nullptr});
    for (int c = 0; c < channels; ++c) {
      const int bus = bus_of_channel[static_cast<size_t>(c)];
      if (bus < 0) continue;  // an unused channel: nothing of the score is there
      const float* l = sum.data() + static_cast<size_t>(2 * c) * kBlock;
      by_bus[static_cast<size_t>(bus)] = {l, l + kBlock};
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
  ahead.reset();
  for (SynthLane& lane : lanes) lane.all_sounds_off();
  return {};
}

}  // namespace bgm
