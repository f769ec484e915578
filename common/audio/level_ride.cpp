#include "audio/level_ride.h"

#include <algorithm>
#include <cmath>

#include "audio/k_meter.h"

namespace bgm {
namespace {

// Index `i` of a sequence of `n` hops: wrapped around for a loop, else held at the ends.
size_t hop_index(long i, size_t n, bool loop) {
  const long count = static_cast<long>(n);
  if (loop) return static_cast<size_t>(((i % count) + count) % count);
  return static_cast<size_t>(std::clamp(i, 0L, count - 1));
}

// Loudness of a 500 ms window centred on every 100 ms hop (momentary loudness, centred instead of trailing).
std::vector<double> centred_loudness(const std::vector<double>& energies, bool loop) {
  const size_t n = energies.size();
  std::vector<double> out(n);
  for (size_t k = 0; k < n; ++k) {
    double sum = 0;
    int used = 0;
    for (long j = static_cast<long>(k) - 2; j <= static_cast<long>(k) + 2; ++j) {
      if (!loop && (j < 0 || j >= static_cast<long>(n))) continue;
      sum += energies[hop_index(j, n, loop)];
      ++used;
    }
    const double mean = sum / used;
    out[k] = mean > 0 ? -0.691 + 10.0 * std::log10(mean) : -HUGE_VAL;
  }
  return out;
}

// The gain each hop would get on its own: 1/ratio of its distance from the piece's loudness is kept; dips are
// lifted only while the music is playing (the boost tapers off between boost_full_lu and boost_floor_lu under it).
double static_gain_db(double loudness, double reference, const LevelRideSettings& s) {
  const double d = loudness - reference;
  if (!std::isfinite(d)) return 0.0;
  const double allowed = s.max_boost_db * std::clamp((d + s.boost_floor_lu) / (s.boost_floor_lu - s.boost_full_lu), 0.0, 1.0);
  return std::clamp(-d * (1.0 - 1.0 / s.ratio), -s.max_cut_db, allowed);
}

}  // namespace

LevelRide::LevelRide(std::vector<float> hop_gains, size_t hop_frames, size_t frames, bool loop)
    : hop_gains_(std::move(hop_gains)), hop_(std::max<size_t>(1, hop_frames)), frames_(frames), loop_(loop) {
  for (float g : hop_gains_) {
    const double db = 20.0 * std::log10(g);
    report_.largest_boost_db = std::max(report_.largest_boost_db, db);
    report_.deepest_cut_db = std::max(report_.deepest_cut_db, -db);
  }
}

LevelRide LevelRide::plan(const AudioFrames& mix, const LevelRideSettings& s) {
  const size_t hop = static_cast<size_t>(mix.sample_rate()) / 10;
  KMeter meter(mix.sample_rate());
  (void)for_each_chunk(mix, [&](size_t, const float* l, const float* r, size_t count) {
    meter.add(l, r, count);
    return Status{};
  });
  const std::vector<double>& energies = meter.sub_block_energies();
  const double reference = meter.integrated_lufs();
  const size_t n = energies.size();
  if (n < 5 || !std::isfinite(reference)) return LevelRide({}, hop, mix.frames(), s.loop);

  const std::vector<double> loudness = centred_loudness(energies, s.loop);
  std::vector<double> wanted(n);
  for (size_t k = 0; k < n; ++k) {
    wanted[k] = static_gain_db(loudness[k], reference, s);
    const double t = (static_cast<double>(k) + 0.5) * 0.1;
    for (const TimeSpan& span : s.no_lift)
      if (t >= span.start - s.smooth_s / 2 && t < span.end + s.smooth_s / 2) wanted[k] = std::min(wanted[k], 0.0);
  }

  // Down before a louder moment arrives (and held a hop after it), then smoothed: the ride is already down when
  // an entrance plays, and it never moves faster than the listener can take.
  const long ahead = std::lround(s.lookahead_s * 10.0), half = std::max(1L, std::lround(s.smooth_s * 5.0));
  std::vector<double> lowest(n);
  for (size_t k = 0; k < n; ++k) {
    double m = wanted[k];
    for (long j = static_cast<long>(k) - 1; j <= static_cast<long>(k) + ahead; ++j) {
      if (!s.loop && (j < 0 || j >= static_cast<long>(n))) continue;
      m = std::min(m, wanted[hop_index(j, n, s.loop)]);
    }
    lowest[k] = m;
  }
  std::vector<float> gains(n);
  for (size_t k = 0; k < n; ++k) {
    double sum = 0;
    int used = 0;
    for (long j = static_cast<long>(k) - half; j <= static_cast<long>(k) + half; ++j) {
      if (!s.loop && (j < 0 || j >= static_cast<long>(n))) continue;
      sum += lowest[hop_index(j, n, s.loop)];
      ++used;
    }
    gains[k] = static_cast<float>(std::pow(10.0, sum / used / 20.0));
  }
  return LevelRide(std::move(gains), hop, mix.frames(), s.loop);
}

void LevelRide::gains(size_t first, float* out, size_t count) const {
  const size_t n = hop_gains_.size();
  if (n == 0) {
    std::fill(out, out + count, 1.0f);
    return;
  }
  // Linear between hop centres; before the first and after the last, held, or for a loop joined across the seam
  // (the last centre to the first one a period later).
  const double h = static_cast<double>(hop_), last_centre = (static_cast<double>(n) - 0.5) * h;
  const double period = static_cast<double>(frames_);
  for (size_t i = 0; i < count; ++i) {
    const double f = static_cast<double>(first + i) + 0.5;
    float a, b;
    double t;
    if (f >= 0.5 * h && f < last_centre) {
      const double pos = f / h - 0.5;
      const auto k = static_cast<size_t>(pos);
      a = hop_gains_[k], b = hop_gains_[std::min(k + 1, n - 1)], t = pos - static_cast<double>(k);
    } else if (!loop_ || period <= last_centre) {
      a = b = f < 0.5 * h ? hop_gains_.front() : hop_gains_.back(), t = 0;
    } else {
      const double span = period + 0.5 * h - last_centre;  // from the last centre to the first, a period on
      const double from = f >= last_centre ? f - last_centre : f + period - last_centre;
      a = hop_gains_.back(), b = hop_gains_.front(), t = std::clamp(from / span, 0.0, 1.0);
    }
    out[i] = static_cast<float>(a + (b - a) * t);
  }
}

}  // namespace bgm
