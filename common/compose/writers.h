#pragma once
// Internal to compose/: the writers that fill one part of a score each. The score's key, sections and chords
// are set before any writer runs. Thread: called by compose() on its thread only.

#include <array>
#include <cstdint>
#include <vector>

#include "compose/score.h"
#include "core/rng.h"
#include "spec/style_catalog.h"

namespace bgm::compose_detail {

// Fills score.chords from the style's progressions over the sections, with a cadence (predominant, dominant,
// tonic) at the end of a piece and a dominant turnaround at the end of a loop.
void write_chords(Score& score, const StylePreset& style, Rng& rng);

// A voicing of `chord` inside `range`, moving as little as possible from `previous` (empty: centred).
std::vector<int> voice_chord(const Chord& chord, std::array<int, 2> range, const std::vector<int>& previous, size_t max_voices);

// The pitch classes a line may use over `chord`: the key's scale with any chord tone outside it replacing its
// neighbour (so a harmonic-minor V uses the raised leading tone).
std::array<int, 7> chord_scale(const Key& key, const Chord& chord);
// `note` moved `steps` steps along `scale` (sorted pitch classes).
int step_in(const std::array<int, 7>& scale, int note, int steps);

// Whether a part plays in a section.
bool plays_in(const PartPreset& preset, const Section& section);
// How hard a section of `energy` is played: the factor its velocities are scaled by.
double touch_for(double energy);
// A velocity scaled by section energy (base * touch_for(energy), in 1..127).
int velocity_for(int base, double energy);
// Sections of the body (everything but the ending).
std::vector<const Section*> body_sections(const Score& score);
// The body as the band plays it: the intro bar by bar, its energy rising to the first theme's, the last bar a
// "lead-in" at the theme's energy (the accompaniment and a drum fill in before the tune), so the parts come in one
// or two at a time and the tune's entrance is not a jump in level. Other sections as they are.
std::vector<Section> performed_sections(const Score& score);

// Where the tune struck: every melody part's onsets, in ticks, sorted (the parts under it answer its rests).
std::vector<int64_t> tune_onsets(const Score& score);

struct DrumPlan;
// `drums`: the piece's drums (the bass locks to their kick where its style does), or null when it has none.
void write_bass(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, const DrumPlan* drums, Rng& rng);
void write_accompaniment(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng);
void write_melody(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng);
void write_drums(Part& part, const Score& score, const StylePreset& style, const DrumPlan& plan, Rng& rng);
// The final chord (or, for drums, the last hit), for every part that plays in the last body section.
void write_ending(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset);
// The tempo broadens over the last bar into the final chord, down to `final_ratio` of the body's tempo; the chord
// is released at the same moment as before (it holds fewer ticks). Call before any part is written.
void slow_into_the_ending(Score& score, double final_ratio);
// Sustain pedal (keyboards, in styles that pedal) and expression swells (sustained parts, in styles that swell).
// Call after the part's notes (and its ending) are written.
void write_expression(Part& part, const Score& score, const StylePreset& style);
// Swing and humanised timing and velocity.
void apply_feel(Part& part, const StylePreset& style, double bpm, Rng& rng);

}  // namespace bgm::compose_detail
