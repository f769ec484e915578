#include "analysis/speech.h"

#include <algorithm>
#include <cmath>

#include "analysis/pitch_track.h"
#include "audio/k_meter.h"
#include "core/denormals.h"

namespace bgm {
namespace {

// RBJ cookbook biquad.
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0, z1 = 0, z2 = 0;
  static Biquad make(bool highpass, double f0, double fs) {
    const double w = 2 * M_PI * f0 / fs, c = std::cos(w), alpha = std::sin(w) / (2 * 0.7071);
    const double a0 = 1 + alpha;
    Biquad q;
    if (highpass) q.b0 = (1 + c) / 2, q.b1 = -(1 + c), q.b2 = (1 + c) / 2;
    else q.b0 = (1 - c) / 2, q.b1 = 1 - c, q.b2 = (1 - c) / 2;
    q.b0 /= a0, q.b1 /= a0, q.b2 /= a0;
    q.a1 = -2 * c / a0, q.a2 = (1 - alpha) / a0;
    return q;
  }
  double run(double x) {
    const double y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    return y;
  }
};

double db(double power) { return 10 * std::log10(power + 1e-20); }

// The speech detector; when `meter` is given, it also hears every frame (one pass for loudness and speech).
std::vector<TimeSpan> find_speech(const AudioFrames& audio, const SpeechSettings& s, KMeter* meter) {
  const int rate = audio.sample_rate();
  const size_t hop = static_cast<size_t>(rate / 100);  // 10 ms
  const size_t frames = audio.frames() / hop;
  if (frames < 10) return {};
  // Level per 10 ms: the voice band and everything, read in chunks of whole hops.
  Biquad hp1 = Biquad::make(true, 300, rate), hp2 = hp1, lp1 = Biquad::make(false, 3400, rate), lp2 = lp1;
  std::vector<double> band(frames), total(frames);
  std::vector<float> pitch(frames, 0.0f);
  PitchTracker tracker(rate);
  const FlushDenormals flush;  // the band filters fed silence
  (void)for_each_chunk(audio, [&](size_t first, const float* left, const float* right, size_t count) -> Status {
    if (meter) meter->add(left, right, count);
    for (size_t f = first / hop; f < frames && (f + 1) * hop <= first + count; ++f) {
      double eb = 0, et = 0;
      for (size_t i = f * hop - first; i < (f + 1) * hop - first; ++i) {
        const double x = 0.5 * (static_cast<double>(left[i]) + right[i]);
        const double y = lp2.run(lp1.run(hp2.run(hp1.run(x))));
        eb += y * y, et += x * x;
        tracker.push(y);
      }
      band[f] = db(eb / static_cast<double>(hop));
      total[f] = db(et / static_cast<double>(hop));
      if (band[f] > s.min_level_dbfs) pitch[f] = tracker.pitch();
    }
    return {};
  }, hop * 64);
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

std::vector<TimeSpan> detect_speech(const AudioFrames& audio, const SpeechSettings& s) { return find_speech(audio, s, nullptr); }

AudioAnalysis analyse_audio(const AudioFrames& audio) {
  AudioAnalysis a;
  KMeter meter(audio.sample_rate());
  a.speech = find_speech(audio, SpeechSettings{}, &meter);
  a.loudness_lufs = meter.integrated_lufs();
  return a;
}

}  // namespace bgm
