#include "audio/level_ride.h"

#include <algorithm>
#include <cmath>

namespace bgm {
namespace {

constexpr double kHopS = 0.1;  // the meter's sub-block: the ride is planned a hop at a time

// Calls fn with each of values[k - before .. k + after] in order: wrapped around for a loop, else those inside.
template <class Fn>
void for_window(const std::vector<double>& values, size_t k, long before, long after, bool loop, Fn fn) {
  const long n = static_cast<long>(values.size());
  for (long j = static_cast<long>(k) - before; j <= static_cast<long>(k) + after; ++j) {
    if (loop) fn(values[static_cast<size_t>(((j % n) + n) % n)]);
    else if (j >= 0 && j < n) fn(values[static_cast<size_t>(j)]);
  }
}

// The mean of values[k - half .. k + half] (as for_window).
double window_mean(const std::vector<double>& values, size_t k, long half, bool loop) {
  double sum = 0;
  int used = 0;
  for_window(values, k, half, half, loop, [&](double v) { sum += v, ++used; });
  return sum / used;
}

// The middle of hop k, in seconds.
double hop_centre_s(size_t k) { return (static_cast<double>(k) + 0.5) * kHopS; }

// LUFS of a K-weighted mean energy (silence: -inf).
double energy_lufs(double mean) { return mean > 0 ? -0.691 + 10.0 * std::log10(mean) : -HUGE_VAL; }

// Loudness of a 500 ms window centred on every 100 ms hop (momentary loudness, centred instead of trailing).
std::vector<double> centred_loudness(const std::vector<double>& energies, bool loop) {
  std::vector<double> out(energies.size());
  for (size_t k = 0; k < energies.size(); ++k) out[k] = energy_lufs(window_mean(energies, k, 2, loop));
  return out;
}

// Whether time t is in (or within half the smoothing of) the room kept for a voice: never lifted there.
bool in_voice_room(double t, const LevelRideSettings& s) {
  for (const TimeSpan& span : s.no_lift)
    if (t >= span.start - s.smooth_s / 2 && t < span.end + s.smooth_s / 2) return true;
  return false;
}

// The most a dip `d` LU under the piece's loudness may be boosted: all of max_boost_db down to boost_full_lu under
// it, tapering to nothing at boost_floor_lu (a decaying ending, silence).
double boost_allowed_db(double d, const LevelRideSettings& s) {
  return s.max_boost_db * std::clamp((d + s.boost_floor_lu) / (s.boost_floor_lu - s.boost_full_lu), 0.0, 1.0);
}

// The gain each hop would get on its own: 1/ratio of its distance from the piece's loudness is kept; dips are
// lifted only while the music is playing (boost_allowed_db).
double static_gain_db(double loudness, double reference, const LevelRideSettings& s) {
  const double d = loudness - reference;
  if (!std::isfinite(d)) return 0.0;
  return std::clamp(-d * (1.0 - 1.0 / s.ratio), -s.max_cut_db, boost_allowed_db(d, s));
}

// The most a hop may be lifted in all to settle a rise: up to the piece's loudness and no further (by the louder of
// its own 100 ms and the 500 ms around it), within the boost allowed at its loudness. A hop in a breath may come up
// as far as the breath is deep; a loud one (the entrance itself) not at all; nothing in the room kept for a voice.
double rise_room_db(double energy, double loudness, double reference, double t, const LevelRideSettings& s) {
  if (in_voice_room(t, s) || !std::isfinite(loudness - reference)) return 0.0;
  const double d = std::max(energy_lufs(energy), loudness) - reference;
  return std::clamp(-d, 0.0, boost_allowed_db(loudness - reference, s));
}

// Momentary loudness (the 400 ms before each hop's end, EBU R 128's window) of the mix with the ride applied.
std::vector<double> momentary_after(const std::vector<double>& energies, const std::vector<double>& ride_db, bool loop) {
  const size_t n = energies.size();
  std::vector<double> ridden(n), out(n);
  for (size_t k = 0; k < n; ++k) ridden[k] = energies[k] * std::pow(10.0, ride_db[k] / 10.0);
  for (size_t k = 0; k < n; ++k) {
    double sum = 0;
    int used = 0;
    for_window(ridden, k, 3, 0, loop, [&](double e) { sum += e, ++used; });
    out[k] = energy_lufs(sum / used);
  }
  return out;
}

// The extra lift (dB per hop) wanted so that no momentary window is more than max_rise_db under the loudest one
// within rise_window_s after it, as far as each hop's boost room allows: a window's need is asked of its four hops.
std::vector<double> rise_lifts(const std::vector<double>& energies, const std::vector<double>& room,
                               const std::vector<double>& ride_db, const LevelRideSettings& s) {
  const size_t n = energies.size();
  const long window = std::lround(s.rise_window_s / kHopS);
  const std::vector<double> level = momentary_after(energies, ride_db, s.loop);
  std::vector<double> lift(n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    if (!std::isfinite(level[k])) continue;
    double loudest = -HUGE_VAL;
    for_window(level, k, 0, window, s.loop, [&](double v) { loudest = std::max(loudest, v); });
    const double need = loudest - s.max_rise_db - level[k];
    if (need <= 0) continue;
    for (long j = static_cast<long>(k) - 3; j <= static_cast<long>(k); ++j) {
      if (j < 0) continue;
      const size_t h = static_cast<size_t>(j);
      lift[h] = std::max(lift[h], std::min(need, room[h] - ride_db[h]));
    }
  }
  return lift;
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
  return plan(KMeter::measure(mix), mix.frames(), mix.sample_rate(), s);
}

LevelRide LevelRide::plan(const KMeter& meter, size_t frames, int sample_rate, const LevelRideSettings& s) {
  const size_t hop = static_cast<size_t>(sample_rate) / 10;  // exactly the meter's sub-block
  const std::vector<double>& energies = meter.sub_block_energies();
  const double reference = meter.integrated_lufs();
  const size_t n = energies.size();
  if (n < 5 || !std::isfinite(reference)) return LevelRide({}, hop, frames, s.loop);

  const std::vector<double> loudness = centred_loudness(energies, s.loop);
  std::vector<double> wanted(n);
  for (size_t k = 0; k < n; ++k) {
    wanted[k] = static_gain_db(loudness[k], reference, s);
    if (in_voice_room(hop_centre_s(k), s)) wanted[k] = std::min(wanted[k], 0.0);
  }

  // Down before a louder moment arrives (and held a hop after it), then smoothed: the ride is already down when
  // an entrance plays, and it never moves faster than the listener can take.
  const long ahead = std::lround(s.lookahead_s / kHopS), half = std::max(1L, std::lround(s.smooth_s / kHopS / 2));
  std::vector<double> lowest(n);
  for (size_t k = 0; k < n; ++k) {
    lowest[k] = wanted[k];
    for_window(wanted, k, 1, ahead, s.loop, [&](double v) { lowest[k] = std::min(lowest[k], v); });
  }
  std::vector<double> ride_db(n);
  for (size_t k = 0; k < n; ++k) ride_db[k] = window_mean(lowest, k, half, s.loop);

  // Breaths lifted where a rise would still jump out (a decay into the next downbeat, too short for the ride above):
  // each window's need asked of its hops, smoothed over 300 ms and never past a hop's room, in a few rounds (a
  // lifted hop changes the windows around it). The entrance is never lifted, so the lift falls away into it.
  if (s.max_rise_db > 0) {
    std::vector<double> room(n);
    for (size_t k = 0; k < n; ++k) room[k] = rise_room_db(energies[k], loudness[k], reference, hop_centre_s(k), s);
    for (int round = 0; round < 4; ++round) {
      const std::vector<double> lift = rise_lifts(energies, room, ride_db, s);
      for (size_t k = 0; k < n; ++k) ride_db[k] = std::max(ride_db[k], std::min(ride_db[k] + window_mean(lift, k, 1, s.loop), room[k]));
    }
  }
  std::vector<float> gains(n);
  for (size_t k = 0; k < n; ++k) gains[k] = static_cast<float>(std::pow(10.0, ride_db[k] / 20.0));
  return LevelRide(std::move(gains), hop, frames, s.loop);
}

void LevelRide::gains(size_t first, float* out, size_t count) const {
  const size_t n = hop_gains_.size();
  if (n == 0) {
    std::fill(out, out + count, 1.0f);
    return;
  }
  // Linear between hop centres; before the first and after the last, held, or for a loop joined across the seam
  // (from the last centre to the first one a period on). Filled a segment at a time.
  const size_t c0 = hop_ / 2, last = (n - 1) * hop_ + c0;
  const bool wrap = loop_ && frames_ > last;
  const double span = static_cast<double>(frames_ + c0 - last);
  size_t i = 0;
  while (i < count) {
    const size_t f = first + i;
    double g0, g1, t0, dt;  // the gain runs from g0 to g1; t0 at frame f, dt per frame
    size_t run;             // frames left in this segment
    if (f >= c0 && f < last) {
      const size_t k = (f - c0) / hop_, start = c0 + k * hop_;
      g0 = hop_gains_[k], g1 = hop_gains_[k + 1];
      dt = 1.0 / static_cast<double>(hop_), t0 = static_cast<double>(f - start) * dt, run = start + hop_ - f;
    } else if (!wrap) {
      g0 = g1 = f < c0 ? hop_gains_.front() : hop_gains_.back();
      t0 = dt = 0, run = f < c0 ? c0 - f : count - i;
    } else {
      const size_t from = f >= last ? f - last : f + frames_ - last;
      g0 = hop_gains_.back(), g1 = hop_gains_.front();
      dt = 1.0 / span, t0 = static_cast<double>(from) * dt, run = f >= last ? (f < frames_ ? frames_ - f : count - i) : c0 - f;
    }
    const size_t m = std::min(run, count - i);
    for (size_t j = 0; j < m; ++j) out[i + j] = static_cast<float>(g0 + (g1 - g0) * std::min(1.0, t0 + dt * static_cast<double>(j)));
    i += m;
  }
}

}  // namespace bgm
