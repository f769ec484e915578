#include "live/live_engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>

#include "live/live_bank.h"
#include "live/live_chapter.h"
#include "live/live_gain.h"
#include "synth/fluid_setup.h"

namespace bgm {
namespace {

constexpr double kOpeningS = 4.0;   // how much of a mood is played ahead (on the probe) to know its level
constexpr size_t kSpan = 256;       // the most frames rendered between looks at the lead's rest
constexpr double kRestS = 0.25;     // the lead fades out or back in over this
constexpr size_t kMostChanges = 64;

struct Chapter {
  int64_t start = 0, end = 0;
  double bar = 0;  // samples per bar
};

// The key the new mood plays in: the one playing, or its relative when the mood's mode differs (the same notes).
Key continued_key(const Key& playing, const Key& wanted) {
  if (wanted.mode == playing.mode) return playing;
  if (playing.mode == Mode::kMajor && wanted.mode == Mode::kMinor) return {(playing.tonic + 9) % 12, Mode::kMinor};
  if (playing.mode == Mode::kMinor && wanted.mode == Mode::kMajor) return {(playing.tonic + 3) % 12, Mode::kMajor};
  return {playing.tonic, wanted.mode};
}

uint64_t fresh_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace

struct LiveEngine::Impl {
  LiveOptions options;
  // Shared with the control threads.
  mutable std::mutex mutex;
  struct Pending {
    MusicSpec spec;
    Score first;        // its first chapter, composed and measured ahead
    double lufs = 0;    // its opening's loudness
    int bank = -1;      // the bank set up for it ahead (its presets selected, their samples loaded)
    LiveBank setup;
  };
  std::optional<Pending> pending;
  // A second synthesiser on the same SoundFont that plays a mood's opening ahead to measure it (set_mood's thread).
  std::mutex probe_mutex;
  std::optional<FluidInstance> probe;
  LiveStatus status;
  std::vector<LiveChange> changes;
  std::vector<int64_t> starts;
  std::atomic<bool> speaking{false};
  std::atomic<double> duck_db{12.0}, level_lufs{-20.0};
  std::atomic<int> next_bank{1};  // the bank the next mood will play on (published by the render thread)

  // The render thread's.
  FluidInstance fluid;
  std::optional<FluidOutputs> outputs;  // each channel shaped as its part (live_bank.h)
  std::unique_ptr<LiveGain> gain;
  MusicSpec mood;
  int bank = 0;
  LiveBank playing;               // the channels of the mood that plays (or is about to)
  uint64_t chapter_index = 0;     // of the mood's chapters
  uint64_t chapters_begun = 0;
  std::vector<Chapter> chapters;  // planned, in order; the first is the one playing
  std::vector<LiveEvent> events;  // sorted; [head, end) not yet played
  size_t head = 0;
  int64_t pos = 0;                // samples synthesised
  int64_t out = 0;                // samples handed out
  int64_t change_at = -1;         // a move to another mood planned there and not yet reached
  double change_lufs = 0;         // the new mood's opening loudness, met by the gain there
  double rest = 1.0;              // the lead's expression factor: 0 while a voice speaks
  int last_rest_cc = 127;

  Result<MusicSpec> spec_for(const SpecRequest& request) const {
    SpecRequest r = request;
    if (!r.duration_s) r.duration_s = 60.0;
    if (!r.seed) r.seed = options.seed ? options.seed : fresh_seed();
    return build_music_spec(r, StyleCatalog::builtin());
  }

  // How loud `score` (a mood's first chapter) opens, played ahead on the probe synthesiser. Errors: the SoundFont's.
  Result<double> measure(const Score& score) {
    std::lock_guard lock(probe_mutex);
    if (!probe) {
      FluidOpenOptions open;
      open.soundfont = options.soundfont;
      open.sample_rate = options.sample_rate;
      open.part_high_pass = false;  // measured as it will play
      open.audio_groups = kLiveAudioGroups;
      auto opened = open_fluid(open);
      if (!opened) return opened.error();
      probe = std::move(*opened);
    }
    return opening_lufs(*probe, score, options.sample_rate, kOpeningS);
  }

  void publish_status() {
    std::lock_guard lock(mutex);
    status.style_id = mood.style_id;
    status.style_name = mood.style_name;
    status.mood = mood.mood;
    status.key = key_name(mood.key);
    status.tempo_bpm = mood.tempo_bpm;
    status.chapters = chapters_begun;
  }

  void add_events(std::vector<LiveEvent> more) {
    const auto middle = static_cast<std::ptrdiff_t>(events.size());
    events.insert(events.end(), more.begin(), more.end());
    std::inplace_merge(events.begin() + static_cast<std::ptrdiff_t>(head), events.begin() + middle, events.end());
  }

  // The next chapter of the mood from `start`; or, given `first` (composed ahead with the mood), the mood's first,
  // on the bank `ready` when that was set up ahead too, else set up here.
  Status plan_chapter(int64_t start, std::optional<Score> first = {}, const LiveBank* ready = nullptr) {
    const bool first_of_mood = first.has_value();
    if (first_of_mood) chapter_index = 0;
    Result<Score> score = first_of_mood ? Result<Score>(std::move(*first)) : compose_chapter(mood, chapter_index);
    ++chapter_index;
    if (!score) return score.error();
    ++chapters_begun;
    if (first_of_mood) {
      playing = ready ? *ready : set_up_bank(fluid, bank, *score);
      apply_piece_effects(fluid.synth.get(), *score);
      // The bank's channels are silent until the mood starts (its last notes were let go a mood ago).
      for (const auto& [channel, image] : playing.images) outputs->set_group_image(channel, image);
    }
    std::vector<LiveEvent> more = chapter_events(*score, bank, start, options.sample_rate);
    if (first_of_mood && playing.drum_channel >= 0 && start > 0) more.push_back({start, LiveEventKind::kNoteOn, playing.drum_channel, 49, 92});
    const int64_t end = start + chapter_samples(*score, options.sample_rate);
    chapters.push_back({start, end, 4.0 * 60.0 / score->tempo.front().bpm * options.sample_rate});
    {
      std::lock_guard lock(mutex);
      starts.push_back(start);
      if (starts.size() > kMostChanges) starts.erase(starts.begin());
    }
    add_events(std::move(more));
    return {};
  }

  // Plans chapters until the music is written a bar past `until` (the mood's first is planned when it starts).
  Status plan_ahead(int64_t until) {
    while (!chapters.empty() && chapters.back().end < until + static_cast<int64_t>(chapters.back().bar)) {
      if (auto ok = plan_chapter(chapters.back().end); !ok) return ok;
    }
    return {};
  }

  // A new mood from the next bar line (or, when a move is already planned and not reached, from that one).
  Status move_to(Pending next) {
    const int64_t asked = pos;
    while (chapters.size() > 1 && chapters[1].start <= pos) chapters.erase(chapters.begin());
    int64_t at;
    int old_bank = bank;
    if (change_at > pos) {
      at = change_at;  // replaces the move planned there: the same bank gets the newer mood
      old_bank = 1 - bank;
    } else {
      const Chapter& c = chapters.front();
      const double bars = std::ceil(static_cast<double>(pos - c.start) / c.bar - 1e-9);
      at = std::min(c.end, c.start + static_cast<int64_t>(std::llround(bars * c.bar)));
      bank = 1 - bank;
    }
    const Chapter leaving = *std::find_if(chapters.rbegin(), chapters.rend(), [&](const Chapter& c) { return c.start < at || c.start == 0; });
    // Nothing planned from the line on is played; the old mood's notes are let go there (released, not cut).
    events.erase(std::remove_if(events.begin() + static_cast<std::ptrdiff_t>(head), events.end(), [&](const LiveEvent& e) { return e.sample >= at; }),
                 events.end());
    chapters.erase(std::remove_if(chapters.begin(), chapters.end(), [&](const Chapter& c) { return c.start >= at; }), chapters.end());
    {
      std::lock_guard lock(mutex);
      starts.erase(std::remove_if(starts.begin(), starts.end(), [&](int64_t s) { return s >= at; }), starts.end());
    }
    if (!chapters.empty()) chapters.back().end = at;
    std::vector<LiveEvent> more;
    for (int k = 0; k < kLiveBankChannels; ++k) more.push_back({at, LiveEventKind::kAllOff, old_bank * kLiveBankChannels + k, 0, 0});
    // A fill on the old kit through the last beat, when that beat is still to come.
    const double beat = leaving.bar / 4.0;
    const int old_drums = change_at > pos ? -1 : playing.drum_channel;
    if (old_drums >= 0 && at - pos >= static_cast<int64_t>(beat)) {
      const int64_t from = at - static_cast<int64_t>(beat);
      events.erase(std::remove_if(events.begin() + static_cast<std::ptrdiff_t>(head), events.end(),
                                  [&](const LiveEvent& e) { return e.channel == old_drums && e.kind == LiveEventKind::kNoteOn && e.sample >= from; }),
                   events.end());
      for (const LiveEvent& e : fill_into(old_drums, at, beat)) more.push_back(e);
    }
    std::sort(more.begin(), more.end());
    add_events(std::move(more));
    mood = std::move(next.spec);
    change_at = at;
    change_lufs = next.lufs;
    if (auto ok = plan_chapter(at, std::move(next.first), next.bank == bank ? &next.setup : nullptr); !ok) return ok;
    publish_status();
    std::lock_guard lock(mutex);
    changes.push_back({asked, at, leaving.bar, mood.style_id});
    if (changes.size() > kMostChanges) changes.erase(changes.begin());
    return {};
  }

  // The lead's expression toward its rest (a voice speaks) or back, once per span.
  void ride_lead(size_t frames) {
    const double target = speaking.load() ? 0.0 : 1.0;
    const double step = static_cast<double>(frames) / (kRestS * options.sample_rate);
    rest = target < rest ? std::max(target, rest - step) : std::min(target, rest + step);
    const int cc = static_cast<int>(std::lround(127 * rest));
    if (cc == last_rest_cc) return;
    for (int channel : playing.lead_channels) fluid_synth_cc(fluid.synth.get(), channel, kExpression, cc);
    last_rest_cc = cc;
  }

  Status synthesise(float* left, float* right, size_t frames) {
    if (auto ok = plan_ahead(pos + static_cast<int64_t>(frames)); !ok) return ok;
    fluid_synth_t* syn = fluid.synth.get();
    size_t done = 0;
    while (done < frames) {
      while (head < events.size() && events[head].sample <= pos) play_event(syn, events[head++]);
      size_t len = std::min(kSpan, frames - done);
      if (head < events.size()) len = std::min<size_t>(len, static_cast<size_t>(std::max<int64_t>(1, events[head].sample - pos)));
      ride_lead(len);
      if (!render_live(syn, *outputs, left + done, right + done, len))
        return make_error(ErrorCode::kSynth, "FluidSynth failed while playing the live music.");
      done += len;
      pos += static_cast<int64_t>(len);
    }
    if (head > 4096) {
      events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
    while (chapters.size() > 1 && chapters[1].start <= pos) chapters.erase(chapters.begin());
    return {};
  }
};

LiveEngine::LiveEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LiveEngine::~LiveEngine() = default;

Result<std::unique_ptr<LiveEngine>> LiveEngine::create(const LiveOptions& options, const SpecRequest& mood) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->duck_db = options.duck_db;
  impl->level_lufs = options.level_lufs;
  auto spec = impl->spec_for(mood);
  if (!spec) return spec.error();
  impl->mood = std::move(*spec);
  FluidOpenOptions open;
  open.soundfont = options.soundfont;
  open.sample_rate = options.sample_rate;
  open.part_high_pass = false;  // live: one high-pass on the mix instead (live_gain.h); a quarter of the CPU
  open.audio_groups = kLiveAudioGroups;
  auto fluid = open_fluid(open);
  if (!fluid) return fluid.error();
  impl->fluid = std::move(*fluid);
  impl->outputs.emplace(live_outputs(options.sample_rate));
  impl->gain = std::make_unique<LiveGain>(options.sample_rate, options.level_lufs, options.duck_db);
  auto first = compose_chapter(impl->mood, 0);
  if (!first) return first.error();
  auto lufs = impl->measure(*first);
  if (!lufs) return lufs.error();
  impl->gain->start_at(*lufs);
  // The first chapter planned here: its presets' samples load on this thread, not in the first render.
  if (auto ok = impl->plan_chapter(0, std::move(*first)); !ok) return ok.error();
  impl->publish_status();
  return std::unique_ptr<LiveEngine>(new LiveEngine(std::move(impl)));
}

Status LiveEngine::set_mood(const SpecRequest& request) {
  auto spec = impl_->spec_for(request);
  if (!spec) return spec.error();
  if (!request.key) {
    std::lock_guard lock(impl_->mutex);
    const Key playing = impl_->pending ? impl_->pending->spec.key : parse_key(impl_->status.key).value_or(spec->key);
    spec->key = continued_key(playing, spec->key);
    spec->reasons.push_back("key: " + key_name(spec->key) + ", continuing the music that plays");
  }
  auto first = compose_chapter(*spec, 0);
  if (!first) return first.error();
  auto lufs = impl_->measure(*first);
  if (!lufs) return lufs.error();
  // Its presets selected ahead on the bank it will play on: their samples load here, not on the render thread.
  const int bank = impl_->next_bank.load();
  LiveBank setup = set_up_bank(impl_->fluid, bank, *first);
  std::lock_guard lock(impl_->mutex);
  impl_->pending = Impl::Pending{std::move(*spec), std::move(*first), *lufs, bank, std::move(setup)};
  return {};
}

void LiveEngine::set_voice(bool speaking) { impl_->speaking = speaking; }
void LiveEngine::set_duck_db(double db) { impl_->duck_db = std::clamp(db, 0.0, 40.0); }
void LiveEngine::set_level_lufs(double lufs) { impl_->level_lufs = std::clamp(lufs, -40.0, -10.0); }
int LiveEngine::sample_rate() const { return impl_->options.sample_rate; }

LiveStatus LiveEngine::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

std::vector<LiveChange> LiveEngine::changes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->changes;
}

std::vector<int64_t> LiveEngine::chapter_starts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->starts;
}

Status LiveEngine::render(float* left, float* right, size_t frames) {
  Impl& m = *impl_;
  const auto started = std::chrono::steady_clock::now();
  std::optional<Impl::Pending> next;
  {
    std::lock_guard lock(m.mutex);
    next.swap(m.pending);
  }
  if (next) {
    if (auto ok = m.move_to(std::move(*next)); !ok) return ok;
  }
  const int64_t from = m.pos;
  if (auto ok = m.synthesise(left, right, frames); !ok) return ok;
  const bool speaking = m.speaking.load();
  m.gain->set_duck_db(m.duck_db.load());
  m.gain->set_level(m.level_lufs.load());
  // The gain meets a new mood where it starts.
  size_t split = frames;
  if (m.change_at >= from && m.change_at < from + static_cast<int64_t>(frames)) split = static_cast<size_t>(m.change_at - from);
  m.gain->process(left, right, split, speaking);
  if (split < frames) {
    m.gain->meet(m.change_lufs);
    m.change_at = -1;
    m.gain->process(left + split, right + split, frames - split, speaking);
  }
  m.out += static_cast<int64_t>(frames);
  m.next_bank = m.change_at > m.pos ? m.bank : 1 - m.bank;
  std::lock_guard lock(m.mutex);
  m.status.seconds = static_cast<double>(m.out) / m.options.sample_rate;
  m.status.voice = speaking;
  m.status.gain_db = m.gain->gain_db();
  m.status.longest_render_ms =
      std::max(m.status.longest_render_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  return {};
}

}  // namespace bgm
