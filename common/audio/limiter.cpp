#include "audio/limiter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <vector>

namespace bgm {
namespace {

constexpr int kPhases = 4;
constexpr int kTaps = 12;  // per phase
constexpr long kReach = kTaps / 2;  // samples each side an interpolated point depends on
constexpr size_t kChunk = 4096;

// Windowed-sinc interpolation filter for the points at 1/4, 2/4 and 3/4 between two samples.
const std::array<std::array<float, kTaps>, kPhases>& interpolator() {
  static const auto table = [] {
    std::array<std::array<float, kTaps>, kPhases> t{};
    for (int p = 0; p < kPhases; ++p) {
      for (int k = 0; k < kTaps; ++k) {
        const double x = (k - kTaps / 2 + 1) - static_cast<double>(p) / kPhases;  // distance in samples
        const double sinc = x == 0 ? 1.0 : std::sin(M_PI * x) / (M_PI * x);
        const double w = 0.5 + 0.5 * std::cos(M_PI * x / (kTaps / 2.0));       // Hann over the span
        t[static_cast<size_t>(p)][static_cast<size_t>(k)] = static_cast<float>(sinc * std::max(w, 0.0));
      }
    }
    return t;
  }();
  return table;
}

// Reads the analysed audio at a virtual index through a window of frames it keeps (reads move forward, a few
// frames back at most): beyond the ends it is silence, or for a loop it wraps, taking the start from a copy made
// before the sink could change it. The window holds virtual frames, silence included, so the interpolator reads a
// contiguous run of samples.
class Reader {
 public:
  // `reach`: how far past the end reads can go (look-ahead plus the interpolator's span).
  Reader(const AudioFrames& audio, bool circular, long reach = 0)
      : audio_(audio), circular_(circular), n_(static_cast<long>(audio.frames())) {
    if (circular_) {
      const auto head = static_cast<size_t>(std::min<long>(n_, reach + 2 * kReach + 8));
      head_l_.resize(head), head_r_.resize(head);
      audio.read_at(0, head_l_.data(), head_r_.data(), head);
    }
    window_l_.resize(static_cast<size_t>(kWindow)), window_r_.resize(static_cast<size_t>(kWindow));
  }
  float get(int ch, long v) const {
    if (v < base_ || v >= base_ + kWindow || !filled_) refill(v);
    return (ch == 0 ? window_l_ : window_r_)[static_cast<size_t>(v - base_)];
  }
  // The sample and the three interpolated points after it, largest magnitude.
  float peak(int ch, long v) const {
    const long first = v - kTaps / 2 + 1;  // the interpolator reads frames [first, first + kTaps)
    if (first < base_ || first + kTaps > base_ + kWindow || !filled_) refill(first);
    const float* x = (ch == 0 ? window_l_ : window_r_).data() + (first - base_);
    const auto& f = interpolator();
    float p = std::fabs(x[kTaps / 2 - 1]);
    for (int ph = 1; ph < kPhases; ++ph) {
      const auto& taps = f[static_cast<size_t>(ph)];
      float acc = 0;
      for (int k = 0; k < kTaps; ++k) acc += x[k] * taps[static_cast<size_t>(k)];
      p = std::max(p, std::fabs(acc));
    }
    return p;
  }

 private:
  static constexpr long kWindow = 16384;
  static constexpr long kBehind = 64;  // kept before the frame that moved the window

  // Moves the window to start a little before virtual frame `from`.
  void refill(long from) const {
    filled_ = true;
    base_ = from - kBehind;
    std::fill(window_l_.begin(), window_l_.end(), 0.0f);
    std::fill(window_r_.begin(), window_r_.end(), 0.0f);
    if (n_ == 0) return;
    if (!circular_) {
      const long lo = std::max(0L, base_), hi = std::min(n_, base_ + kWindow);
      if (hi > lo) audio_.read_at(static_cast<size_t>(lo), window_l_.data() + (lo - base_), window_r_.data() + (lo - base_), static_cast<size_t>(hi - lo));
      return;
    }
    // A loop: each virtual frame from where it wraps to (the start's copy past the end).
    for (long v = base_; v < base_ + kWindow;) {
      const auto slot = static_cast<size_t>(v - base_);
      if (v >= n_ && v % n_ < static_cast<long>(head_l_.size())) {
        window_l_[slot] = head_l_[static_cast<size_t>(v % n_)];
        window_r_[slot] = head_r_[static_cast<size_t>(v % n_)];
        ++v;
        continue;
      }
      const long at = ((v % n_) + n_) % n_;
      const long run = std::min({n_ - at, base_ + kWindow - v, v < n_ ? n_ - v : n_});
      audio_.read_at(static_cast<size_t>(at), window_l_.data() + slot, window_r_.data() + slot, static_cast<size_t>(run));
      v += run;
    }
  }

  const AudioFrames& audio_;
  bool circular_;
  long n_;
  std::vector<float> head_l_, head_r_;
  mutable std::vector<float> window_l_, window_r_;
  mutable long base_ = 0;
  mutable bool filled_ = false;
};

}  // namespace

double estimated_true_peak(const AudioFrames& audio) {
  // An interpolated point is at most the filter's absolute sum times the largest sample it reads: a stretch whose
  // samples (and the interpolator's reach around them) stay below the peak found so far over that sum cannot
  // raise it, and is skipped. Same result as interpolating every frame, at a fraction of the cost.
  double gain_bound = 0;
  for (const auto& phase : interpolator()) {
    double sum = 0;
    for (float tap : phase) sum += std::fabs(tap);
    gain_bound = std::max(gain_bound, sum);
  }
  const Reader reader(audio, false);
  const auto n = static_cast<long>(audio.frames());
  double peak = 0;
  for (long i = 0; i < n; ++i) peak = std::max<double>(peak, std::max(std::fabs(reader.get(0, i)), std::fabs(reader.get(1, i))));
  constexpr long kStretch = 64;
  for (long start = 0; start < n; start += kStretch) {
    const long end = std::min(n, start + kStretch);
    float loudest = 0;
    for (long v = start - kReach; v < end + kReach; ++v) loudest = std::max({loudest, std::fabs(reader.get(0, v)), std::fabs(reader.get(1, v))});
    if (loudest * gain_bound < peak) continue;
    for (long i = start; i < end; ++i) peak = std::max<double>(peak, std::max(reader.peak(0, i), reader.peak(1, i)));
  }
  return peak;
}

size_t limiter_warm_up_frames(const LimiterSettings& s, int sample_rate) {
  // The look-ahead's window, then 25 release time constants (e^-25: 1.4e-11 of what the release remembered).
  return static_cast<size_t>(std::lround((s.lookahead_ms + 25.0 * s.release_ms) * sample_rate / 1000.0)) + 2 * kReach;
}

std::vector<AudioStretch> limiter_stretches(const AudioFrames& audio, const LimiterSettings& s) {
  if (s.circular) return {AudioStretch{0, audio.frames()}};
  return plan_audio_stretches(audio.frames(), audio.sample_rate());
}

void stream_limiter_gain(const AudioFrames& audio, float pre_gain, const LimiterSettings& s, const GainSink& sink) {
  stream_limiter_gain(audio, pre_gain, s, 0, audio.frames(), sink);
}

void stream_limiter_gain(const AudioFrames& audio, float pre_gain, const LimiterSettings& s, size_t from_frame, size_t to_frame,
                         const GainSink& sink) {
  const auto n = static_cast<long>(audio.frames());
  const long from = std::min(n, static_cast<long>(from_frame)), to = std::min(n, static_cast<long>(to_frame));
  if (n == 0 || from >= to) return;
  const float ceiling = static_cast<float>(std::pow(10.0, s.ceiling_dbtp / 20.0));
  const long look = std::max<long>(1, std::lround(s.lookahead_ms * audio.sample_rate() / 1000.0));
  const double coef = std::exp(-1.0 / (s.release_ms * audio.sample_rate() / 1000.0));
  const float cheap = ceiling / pre_gain * 0.5f;  // interpolated points exceed their neighbours by well under 6 dB
  const Reader reader(audio, s.circular, look);

  // The gain the points from frame u to u+1 need (interpolated only where the samples come near the ceiling).
  auto span_gain = [&](long u) -> float {
    const float a = std::max(std::fabs(reader.get(0, u)), std::fabs(reader.get(1, u)));
    const float b = std::max(std::fabs(reader.get(0, u + 1)), std::fabs(reader.get(1, u + 1)));
    if (a < cheap && b < cheap) return 1.0f;
    const float peak = std::max(reader.peak(0, u), reader.peak(1, u)) * pre_gain;
    return peak > ceiling ? ceiling / peak : 1.0f;
  };
  // A frame is bound by the spans on both its sides; frames are visited in order, so one span is computed once.
  float previous_span = 1.0f;
  long previous_v = 0;
  bool have_previous = false;
  auto need = [&](long v) -> float {
    const float before = have_previous && previous_v == v - 1 ? previous_span : span_gain(v - 1);
    const float after = span_gain(v);
    previous_span = after, previous_v = v, have_previous = true;
    return std::min(before, after);
  };

  // b(m) = min(need(m-look+1..m)); smooth(i) = mean(b(i..i+look-1)) <= need(i); then the release.
  // A loop starts several release times before its start, so its state at frame 0 is what the end leaves.
  const long preroll = s.circular ? std::min<long>(n, static_cast<long>(5 * s.release_ms * audio.sample_rate() / 1000.0)) : 0;
  // A stretch starts its warm-up as the stream starts (nothing reduced), or the stream itself does.
  const long warm_start = s.circular ? 0 : std::max(0L, from - static_cast<long>(limiter_warm_up_frames(s, audio.sample_rate())));
  const long m_begin = warm_start > 0 ? warm_start - look : -preroll - look;
  const long m_end = to + look - 1;  // the frame to - 1 is emitted at m_end - 1
  std::deque<std::pair<long, float>> window;  // (m, need) with increasing need
  std::vector<float> ring(static_cast<size_t>(look), 1.0f);
  double sum = static_cast<double>(look);  // the ring starts as "no reduction"
  double g = 1.0;
  std::vector<float> out;
  out.reserve(kChunk);
  long out_first = 0;
  bool stopped = false;
  auto emit = [&](long i) {
    if (i < from || i >= to) return;
    if (out.empty()) out_first = i;
    out.push_back(static_cast<float>(g));
    if (out.size() == kChunk) {
      stopped = !sink(static_cast<size_t>(out_first), out.data(), out.size());
      out.clear();
    }
  };
  auto quiet = [&](long u) { return std::max(std::fabs(reader.get(0, u)), std::fabs(reader.get(1, u))) < cheap; };
  for (long m = m_begin; m < m_end && !stopped; ++m) {
    // Quiet stretches (no reduction anywhere in the look-ahead, the ring full of "none"): every frame needs no
    // reduction until the first loud one, so only the release runs. The same arithmetic as the full step below.
    if (!s.circular && m >= 1 && !window.empty() && window.front().second == 1.0f && sum == static_cast<double>(look) && quiet(m - 1)) {
      long q = m;  // the first loud frame at or after m
      const long q_most = std::min(n, m_end + 1);  // frames past it are never needed
      while (q < q_most && quiet(q)) ++q;
      const long last = std::min(q - 2, m_end - 1);  // need(v) is 1 for v <= q - 2
      if (last >= m) {
        for (; m <= last && !stopped; ++m) {
          g = 1.0 + (g - 1.0) * coef;
          emit(m - look + 1);
        }
        window.clear();
        window.emplace_back(last, 1.0f);
        previous_span = 1.0f, previous_v = last, have_previous = true;
        --m;  // the loop's ++m moves on to last + 1
        continue;
      }
    }
    const float r = (s.circular || (m >= 0 && m < n)) ? need(m) : 1.0f;
    while (!window.empty() && window.back().second >= r) window.pop_back();
    window.emplace_back(m, r);
    while (window.front().first + look <= m) window.pop_front();
    const float b = window.front().second;
    const auto slot = static_cast<size_t>(((m % look) + look) % look);
    sum += b - ring[slot];
    ring[slot] = b;
    const double target = sum / static_cast<double>(look);
    g = target < g ? target : target + (g - target) * coef;
    emit(m - look + 1);  // the frame whose window [i, i+look-1] is now complete
  }
  if (stopped) return;
  if (!out.empty()) sink(static_cast<size_t>(out_first), out.data(), out.size());
}

}  // namespace bgm
