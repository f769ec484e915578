#pragma once
// What a listener notices in a piece, measured from the score (the notes the MIDI file holds), with our own code:
// how often the tune comes back, how long its exact repeats run, its range, how much of the piece is intro, and
// how alike two pieces are. Written for issue 11's targets; each function says how it measures.

#include <cstdint>
#include <string>
#include <vector>

#include "compose/score.h"
#include "spec/music_spec.h"

namespace bgm::test {

// A spec for a style (empty: from the prompt) and seed, as the tests compose them; a failure is a test failure.
MusicSpec spec_for(const std::string& style, uint64_t seed, double duration, bool loop = false, const std::string& prompt = "");
// The score for `spec` in its style; a failure is a test failure.
Score compose_ok(const MusicSpec& spec);

const Part* part_with_role(const Score& score, Role role);

// The share of the melody's bars (bars with a note starting in them) that restate a bar 2, 4, 8, 12, 16 or 24 bars
// earlier: the same onsets on an eighth-note grid and the same pitches up to one transposition.
double melody_restatement(const Score& score);
// The longest run of melody intervals (semitones between consecutive notes) that occurs twice, in intervals.
int longest_interval_repeat(const Score& score);
// Highest minus lowest melody pitch, in semitones.
int melody_range(const Score& score);
// The intro's share of the body and its length in bars (0 when there is none).
double intro_share(const Score& score);
int intro_bars(const Score& score);
// Whether every theme section (theme A/B/C, bridge, build) is a whole number of 4-bar phrases.
bool themes_in_whole_phrases(const Score& score);

// How alike two pieces are, 0..1: the share of bars (compared bar by bar over the shorter) whose drum onsets
// (pitch, eighth-note slot) are the same; of bars whose accompaniment rhythm (the onsets of the harmony,
// counter-line and pad parts together) is the same; of bars whose bass rhythm (its onsets' eighth-note slots) is
// the same; of bars whose chord degree is the same.
double drum_agreement(const Score& a, const Score& b);
double accompaniment_rhythm_agreement(const Score& a, const Score& b);
double bass_rhythm_agreement(const Score& a, const Score& b);
// The share of kicks (in the body's bars where the bass plays) with a bass note starting within a sixteenth.
double bass_kick_lock(const Score& score);
double chord_degree_agreement(const Score& a, const Score& b);
// The share of theme bars (not intro, build, outro or ending) with drums whose drum onsets equal the bar before's
// in the same section: 1.0 is a one-bar loop.
double drum_bar_repetition(const Score& score);

}  // namespace bgm::test
