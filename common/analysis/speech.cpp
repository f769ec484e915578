#include "analysis/speech.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "analysis/pitch_track.h"
#include "audio/biquad.h"
#include "audio/k_meter.h"
#include "core/denormals.h"
#include "core/parallel.h"

namespace bgm {
namespace {

double db(double power) { return 10 * std::log10(power + 1e-20); }

// Levels per 10 ms hop: the voice band, everything, and the voice band's pitch.
struct HopLevels {
  std::vector<double> band, total;
  std::vector<float> pitch;
};

// A stretch of hops measured on its own: filters, a pitch tracker and (when the loudness is wanted) a meter of its
// own, which first hear `warm` hops before it (the filters' memory is milliseconds: after half a second their
// state is the one a run from the start has). Its meter hears up to `audio_end` (the last stretch: the frames after
// the last whole hop).
struct Stretch {
  size_t first = 0, end = 0, warm = 0, audio_end = 0;
};

// Measures the stretch into `out`; the meter's sub-blocks are those of the stretch alone. False when stopped.
bool measure_stretch(const AudioFrames& audio, const Stretch& st, const SpeechSettings& s, HopLevels& out, KMeter* meter,
                     const std::function<bool()>& stopped) {
  const int rate = audio.sample_rate();
  const size_t hop = static_cast<size_t>(rate / 100);  // 10 ms
  Biquad hp1 = Biquad::high_pass(300, rate, 0.7071), hp2 = hp1, lp1 = Biquad::low_pass(3400, rate, 0.7071), lp2 = lp1;
  PitchTracker tracker(rate);
  const FlushDenormals flush;  // the band filters fed silence
  const size_t from = (st.first - st.warm) * hop, to = meter ? st.audio_end : st.end * hop, chunk = hop * 64;
  std::vector<float> left(chunk), right(chunk);
  for (size_t at = from; at < to; at += chunk) {
    if (stopped && stopped()) return false;
    const size_t count = std::min(chunk, to - at);
    audio.read_at(at, left.data(), right.data(), count);
    if (meter) meter->add(left.data(), right.data(), count);
    for (size_t f = at / hop; f < st.end && (f + 1) * hop <= at + count; ++f) {
      double eb = 0, et = 0;
      for (size_t i = f * hop - at; i < (f + 1) * hop - at; ++i) {
        const double x = 0.5 * (static_cast<double>(left[i]) + right[i]);
        const double y = lp2.run(lp1.run(hp2.run(hp1.run(x))));
        eb += y * y, et += x * x;
        tracker.push(y);
      }
      if (f < st.first) continue;  // warming up
      out.band[f] = db(eb / static_cast<double>(hop));
      out.total[f] = db(et / static_cast<double>(hop));
      if (out.band[f] > s.min_level_dbfs) out.pitch[f] = tracker.pitch();
    }
  }
  if (meter) {  // the warm-up's sub-blocks are the stretch before's
    auto blocks = meter->take_sub_blocks();
    blocks.erase(blocks.begin(), blocks.begin() + static_cast<long>(std::min(blocks.size(), st.warm / 10)));
    meter->append_sub_blocks(blocks);
  }
  return true;
}

// Long audio is measured in this many stretches (each at least kMinStretchHops), on as many threads as the caller
// gives: the stretches depend only on the length, so the result does not depend on the threads.
constexpr size_t kStretches = 4;
constexpr size_t kMinStretchHops = 200;
constexpr size_t kWarmHops = 50;  // 0.5 s: a whole number of the meter's 100 ms sub-blocks

std::vector<Stretch> plan_stretches(size_t hops, size_t audio_frames, int rate) {
  // Stretches start on the meter's sub-blocks (10 hops), which needs a rate in whole hundreds.
  if (rate % 100 != 0 || hops < kStretches * kMinStretchHops) return {Stretch{0, hops, 0, audio_frames}};
  const size_t length = ((hops + kStretches - 1) / kStretches + 9) / 10 * 10;
  std::vector<Stretch> out;
  for (size_t first = 0; first < hops; first += length) out.push_back({first, std::min(hops, first + length), first == 0 ? 0 : kWarmHops, 0});
  for (auto& st : out) st.audio_end = st.end == hops ? audio_frames : st.end * static_cast<size_t>(rate / 100);
  return out;
}

// The speech detector; when `meter` is given, it also hears every frame (one pass for loudness and speech).
std::vector<TimeSpan> find_speech(const AudioFrames& audio, const SpeechSettings& s, KMeter* meter, int threads,
                                  const std::function<bool()>& stopped) {
  const int rate = audio.sample_rate();
  const size_t frames = audio.frames() / static_cast<size_t>(rate / 100);  // 10 ms hops
  if (frames < 10) return {};
  HopLevels levels{std::vector<double>(frames), std::vector<double>(frames), std::vector<float>(frames, 0.0f)};
  const std::vector<Stretch> stretches = plan_stretches(frames, audio.frames(), rate);
  std::vector<KMeter> meters(stretches.size(), KMeter(rate));
  std::atomic<bool> whole{true};
  run_tasks(stretches.size(), audio.reads_from_any_thread() ? threads : 1, [&](size_t i) {
    if (!measure_stretch(audio, stretches[i], s, levels, meter ? &meters[i] : nullptr, stopped)) whole = false;
  });
  if (!whole) return {};
  if (meter)
    for (auto& m : meters) meter->append_sub_blocks(m.take_sub_blocks());
  auto& band = levels.band;
  auto& total = levels.total;
  auto& pitch = levels.pitch;
  // The recording's floor: its quiet moments (10th percentile of the voice band).
  std::vector<double> sorted = band;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(frames / 10), sorted.end());
  const double floor = sorted[frames / 10];
  const double threshold = std::max(floor + s.above_floor_db, s.min_level_dbfs);
  // Modulation: the spread of the voice-band level over 400 ms around each frame.
  std::vector<bool> voiced(frames, false);
  const long half = 20;
  for (size_t f = 0; f < frames; ++f) {
    if (band[f] < threshold || band[f] - total[f] < s.band_share_db) continue;
    double lo = 1e9, hi = -1e9;
    for (long k = static_cast<long>(f) - half; k <= static_cast<long>(f) + half; ++k) {
      if (k < 0 || k >= static_cast<long>(frames)) continue;
      lo = std::min(lo, band[static_cast<size_t>(k)]), hi = std::max(hi, band[static_cast<size_t>(k)]);
    }
    voiced[f] = hi - lo >= s.modulation_db;
  }
  // A melody is not a voice: where the pitch mostly holds still from one 10 ms to the next (notes), the level's
  // rise and fall is music's, not syllables'. Speech glides.
  std::vector<int> pitched(frames + 1, 0), stable(frames + 1, 0);  // running counts
  std::vector<float> move(frames, -1.0f);  // relative pitch change from the frame before; -1 where unpitched
  for (size_t f = 1; f < frames; ++f)
    if (pitch[f] > 0 && pitch[f - 1] > 0) move[f] = std::fabs(pitch[f] / pitch[f - 1] - 1.0f);
  for (size_t f = 1; f < frames; ++f) {
    const bool p = move[f] >= 0;
    const bool held = p && move[f] < s.held_pitch;
    // A leap onto a pitch that then holds is one note moving to the next (an arpeggio, a chord's tones): music.
    const bool to_note = p && move[f] > s.note_leap && f + 1 < frames && move[f + 1] >= 0 && move[f + 1] < s.held_pitch;
    pitched[f + 1] = pitched[f] + p;
    stable[f + 1] = stable[f] + (held || to_note);
  }
  const long reach = 30;  // 300 ms each side
  for (size_t f = 0; f < frames; ++f) {
    if (!voiced[f]) continue;
    const auto from = static_cast<size_t>(std::max(0L, static_cast<long>(f) - reach));
    const size_t to = std::min(frames, f + static_cast<size_t>(reach) + 1);
    const int p = pitched[to] - pitched[from], st = stable[to] - stable[from];
    if (p >= s.min_pitched && st >= s.held_share * p) voiced[f] = false;
  }
  // Frames to segments: merge short pauses, drop blips, pad.
  std::vector<TimeSpan> out;
  for (size_t f = 0; f < frames; ++f) {
    if (!voiced[f]) continue;
    const double t0 = static_cast<double>(f) / 100.0, t1 = t0 + 0.01;
    if (!out.empty() && t0 - out.back().end <= s.merge_gap_s) out.back().end = t1;
    else out.push_back({t0, t1});
  }
  std::vector<TimeSpan> kept;
  const double length = audio.seconds();
  for (const auto& span : out) {
    if (span.end - span.start < s.min_length_s) continue;
    TimeSpan padded{std::max(0.0, span.start - s.pad_s), std::min(length, span.end + s.pad_s)};
    if (!kept.empty() && padded.start <= kept.back().end) kept.back().end = padded.end;
    else kept.push_back(padded);
  }
  return kept;
}

}  // namespace

std::vector<TimeSpan> detect_speech(const AudioFrames& audio, const SpeechSettings& s) { return find_speech(audio, s, nullptr, 1, {}); }

AudioAnalysis analyse_audio(const AudioFrames& audio, int threads, const std::function<bool()>& stopped) {
  AudioAnalysis a;
  KMeter meter(audio.sample_rate());
  a.speech = find_speech(audio, SpeechSettings{}, &meter, threads, stopped);
  a.loudness_lufs = meter.integrated_lufs();
  return a;
}

}  // namespace bgm
