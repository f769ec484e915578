#pragma once
// What a listener notices in a mix, measured from rendered audio and stems with our own code (issue 11): whether the
// tune stands out from what plays under it, how much of the power sits below 60 Hz, how wide the stereo image is,
// and how hard the level jumps when a part enters. Each function says how it measures.

#include <vector>

#include "audio/audio_buffer.h"

namespace bgm::test {

// Loudness-weighted (BS.1770 K-weighting) energy of `part` against the rest of `mix` (mix minus part), in dB,
// over the 100 ms windows where the part plays (its window energy within 30 dB of its loudest window).
double part_against_rest_db(const AudioBuffer& part, const AudioBuffer& mix);
// The same with plain (unweighted) energy: bass and kick count at their full power.
double part_against_rest_plain_db(const AudioBuffer& part, const AudioBuffer& mix);
// The share of the power (both channels) below `hz`, through a 4th-order Butterworth low-pass: 0..1.
double power_below(const AudioBuffer& audio, double hz = 60.0);
// Left/right correlation over the whole piece, as a correlation meter reads it (sum of L*R over the root of the
// product of their energies): 1 when both speakers play the same, 0 for unrelated sound, -1 when one plays the
// other inverted (what a mono fold-down cancels). With `below_hz`, of what lies under it (each channel through a
// 4th-order Butterworth low-pass first). 1 for silence: nothing to cancel.
double lr_correlation(const AudioBuffer& audio, double below_hz = 0);
// What one speaker plays: (L + R) / 2 on both channels.
AudioBuffer mono_fold(const AudioBuffer& audio);
// Side against mid energy over the whole piece, in dB ((L-R)/2 against (L+R)/2); -inf for mono. With `above_hz`, of
// what lies above it (both through a 4th-order Butterworth high-pass first): the width panning gives, over a mono low end.
double side_to_mid_db(const AudioBuffer& audio, double above_hz = 0);
// Momentary loudness (400 ms windows, K-weighted, LUFS) every 100 ms.
std::vector<double> momentary_lufs(const AudioBuffer& audio);
// The largest rise of momentary loudness within 2 s, in dB, from windows no quieter than 20 LU under the piece's
// loudest momentary value, starting after the first second (the opening swelling in from silence is not an
// entrance; a quiet intro before the band is).
// `from_s` and `to_s` (when given) receive where the rise starts and ends (window starts, seconds).
double largest_rise_db(const AudioBuffer& audio, double* from_s = nullptr, double* to_s = nullptr);
// A piece's sound in numbers, for telling styles apart: the share of its power in octave bands from 60 Hz to 8 kHz
// (dB), its width (side/mid, dB), how often it strikes (onsets a second, from 10 ms levels) and how much its level
// moves (the spread of its 100 ms levels, dB).
std::vector<double> sound_features(const AudioBuffer& audio);
// Integrated loudness of a stem (LUFS, ungated energy over the windows where it plays, as part_against_rest_db).
double playing_loudness(const AudioBuffer& part);

// Integrated loudness (BS.1770, gated) of [from_s, to_s) of `audio`, LUFS; -inf when empty or silent.
double lufs_between(const AudioBuffer& audio, double from_s, double to_s);
// The energy of the second difference over [from_s, to_s), in dB per second: the band above ~6 kHz, where a kit's
// hats and cymbals are and a voice or a pad has next to nothing. Where a kit comes in or steps back shows here.
double high_band_db(const AudioBuffer& audio, double from_s, double to_s);

}  // namespace bgm::test
