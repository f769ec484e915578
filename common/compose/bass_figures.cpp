#include "compose/bass_figures.h"

#include <map>
#include <utility>

namespace bgm::compose_detail {
namespace {

using T = BassTone;

// Eighths through the bar: `on` for the beats, `off` for the off-beat eighths, the last one `last`.
BassFigure eighths(T on, T off, T last, int off_accent) {
  BassFigure f;
  for (int s = 0; s < 16; s += 2) f.push_back({s, 0, s == 14 ? last : s % 4 == 0 ? on : off, s % 4 == 0 ? 2 : off_accent});
  return f;
}

// A bass that plays with the kick and moves under the tune's rests, quiet below `quiet_below` with `quiet`.
BassIdiom with_the_band(double legato, double quiet_below, BassFigure quiet) {
  BassIdiom i;
  i.locks_to_kick = true;
  i.moves_under_rests = true;
  i.legato = legato;
  i.quiet_below = quiet_below;
  i.quiet = std::move(quiet);
  return i;
}

BassIdiom pulse8() {
  BassIdiom i = with_the_band(0.85, 0.35, {{0, 0, T::kRoot, 4}, {4, 0, T::kRoot, -6}, {8, 0, T::kRoot, -6}, {12, 0, T::kRoot, -6}});
  i.figures = {
      eighths(T::kRoot, T::kRoot, T::kApproach, -10),                                              // driving eighths
      eighths(T::kRoot, T::kOctave, T::kOctave, -8),                                                // octaves on the off-beats
      {{0, 0, T::kRoot, 4}, {2, 0, T::kRoot, -10}, {4, 0, T::kRoot, 0}, {8, 0, T::kRoot, 2},        // a breath after beat 2
       {10, 0, T::kRoot, -10}, {12, 0, T::kFifth, -2}, {14, 0, T::kApproach, -8}},
      {{0, 4, T::kRoot, 4}, {4, 0, T::kRoot, -2}, {6, 0, T::kRoot, -10},                            // quarter and two eighths
       {8, 4, T::kRoot, 2}, {12, 0, T::kFifth, -2}, {14, 0, T::kApproach, -10}},
      {{0, 0, T::kRoot, 6}, {6, 0, T::kRoot, 0}, {12, 0, T::kFifth, -2}, {14, 0, T::kApproach, -8}},  // 3+3+2
      {{0, 0, T::kRoot, 4}, {2, 0, T::kRoot, -10}, {6, 0, T::kRoot, 0}, {8, 0, T::kRoot, -2},       // pushed eighths
       {10, 0, T::kOctave, -6}, {14, 0, T::kRoot, -4}},
  };
  i.turns = {
      {{12, 0, T::kFifth, 0}, {14, 0, T::kApproach, -4}},
      {{12, 0, T::kRoot, 0}, {14, 0, T::kOctave, -2}},
      {{10, 0, T::kLead3, -4}, {12, 0, T::kLead2, -2}, {14, 0, T::kApproach, 0}},
      {{12, 0, T::kFifth, 0}, {14, 0, T::kChromatic, -4}},
  };
  return i;
}

BassIdiom root_fifth() {
  BassIdiom i = with_the_band(1.0, 0.4, {{0, 8, T::kRoot, 0}, {8, 8, T::kFifth, -6}});
  i.figures = {
      {{0, 0, T::kRoot, 0}, {6, 0, T::kRoot, -10}, {8, 0, T::kFifth, -4}, {14, 0, T::kApproach, -8}},
      {{0, 8, T::kRoot, 2}, {8, 8, T::kOctave, -2}},                                              // the root on 1, its octave on 3
      {{0, 4, T::kRoot, 2}, {4, 4, T::kRoot, -8}, {8, 4, T::kFifth, -2}, {12, 4, T::kOctave, -6}},  // quarters
      {{0, 0, T::kRoot, 2}, {6, 0, T::kFifth, -8}, {8, 0, T::kOctave, -4}, {12, 0, T::kFifth, -6}},
  };
  i.turns = {
      {{4, 4, T::kLead3, -4}, {8, 4, T::kLead2, -2}, {12, 4, T::kApproach, 0}},  // a walk-up over beats 2 to 4
      {{12, 0, T::kLead2, -4}, {14, 0, T::kApproach, -2}},
      {{8, 0, T::kFifth, -2}, {12, 0, T::kChromatic, -4}},
  };
  return i;
}

BassIdiom syncopated() {
  BassIdiom i = with_the_band(1.0, 0.3, {{0, 0, T::kRoot, 0}, {6, 0, T::kRoot, -4}, {10, 0, T::kFifth, -4}, {14, 0, T::kApproach, -8}});
  i.sixteenths = true;
  i.figures = {
      {{0, 0, T::kRoot, 4}, {6, 0, T::kRoot, -6}, {10, 0, T::kFifth, -4}, {14, 0, T::kApproach, -10}},
      {{0, 0, T::kRoot, 4}, {7, 0, T::kRoot, -8}, {10, 0, T::kOctave, -6}, {12, 0, T::kFifth, -8}},
      {{0, 0, T::kRoot, 4}, {3, 1, T::kRoot, -24}, {6, 0, T::kFifth, -4}, {10, 0, T::kRoot, -6}, {15, 0, T::kChromatic, -10}},
      {{0, 10, T::kRoot, 4}, {10, 0, T::kFifth, -4}, {13, 0, T::kSeventh, -10}, {14, 0, T::kApproach, -8}},
  };
  i.turns = {
      {{12, 0, T::kOctave, -2}, {14, 0, T::kFifth, -6}},
      {{13, 0, T::kLead2, -8}, {14, 0, T::kApproach, -4}},
      {{14, 0, T::kChromatic, -6}},
  };
  return i;
}

BassIdiom long_notes() {
  BassIdiom i;
  i.locks_to_kick = true;
  i.sixteenths = true;
  i.legato = 1.0;
  i.quiet_below = 0.3;
  i.quiet = {{0, 0, T::kRoot, 0}};
  i.figures = {
      {{0, 0, T::kRoot, 6}},
      {{0, 0, T::kRoot, 6}, {14, 0, T::kOctave, -6}},
      {{0, 0, T::kRoot, 6}, {12, 0, T::kLowFifth, -4}},
      {{0, 0, T::kRoot, 6}, {15, 0, T::kChromatic, -8}},
  };
  i.turns = {
      {{12, 0, T::kOctave, -2}, {14, 0, T::kRoot, -6}},
      {{14, 0, T::kApproach, -4}},
  };
  return i;
}

BassIdiom offbeat8() {
  BassIdiom i;
  i.sixteenths = true;
  i.legato = 0.9;
  i.quiet_below = 0;
  auto offbeats = [](T second, T fourth) {
    return BassFigure{{2, 2, T::kRoot, 0}, {6, 2, second, -4}, {10, 2, T::kRoot, 0}, {14, 2, fourth, -4}};
  };
  i.figures = {
      offbeats(T::kRoot, T::kRoot),
      offbeats(T::kOctave, T::kOctave),
      {{2, 2, T::kRoot, 0}, {6, 2, T::kRoot, -4}, {10, 5, T::kOctave, 0}},  // three off-beats, the last held
      {{2, 2, T::kRoot, 0}, {6, 1, T::kRoot, -4}, {7, 1, T::kOctave, -10}, {10, 2, T::kRoot, 0},
       {14, 1, T::kRoot, -4}, {15, 1, T::kOctave, -10}},
  };
  i.turns = {
      {{10, 2, T::kFifth, 0}, {14, 2, T::kApproach, -4}},
      {{14, 1, T::kOctave, -4}, {15, 1, T::kOctave, -10}},
  };
  return i;
}

BassIdiom octave8() {
  BassIdiom i;
  i.legato = 0.9;
  i.quiet_below = 0.35;
  i.quiet = {{0, 0, T::kRoot, 4}, {4, 0, T::kRoot, -6}, {8, 0, T::kRoot, -6}, {12, 0, T::kRoot, -6}};
  BassFigure arpeggio;
  const T kArp[] = {T::kRoot, T::kFifth, T::kOctave, T::kFifth};
  for (int s = 0; s < 16; s += 2) arpeggio.push_back({s, 0, kArp[(s / 2) % 4], s % 4 == 0 ? 0 : -8});
  BassFigure gallop;
  for (int s : {0, 2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15}) gallop.push_back({s, 0, s % 4 == 0 ? T::kRoot : T::kOctave, s % 2 == 0 ? 0 : -10});
  i.figures = {
      eighths(T::kRoot, T::kOctave, T::kOctave, -8),
      arpeggio,
      gallop,
      {{0, 0, T::kRoot, 2}, {6, 0, T::kOctave, -6}, {12, 0, T::kRoot, -2}, {14, 0, T::kOctave, -8}},
  };
  i.turns = {
      {{8, 0, T::kRoot, 0}, {10, 0, T::kFifth, -6}, {12, 0, T::kOctave, -2}, {14, 0, T::kApproach, -6}},
      {{12, 0, T::kOctave, 0}, {14, 0, T::kChromatic, -6}},
  };
  return i;
}

BassIdiom sustain() {
  BassIdiom i;
  i.legato = 1.0;
  i.intro = {{0, 16, T::kRoot, 0}};  // held under the intro: the tune's entrance is the first move
  i.figures = {
      {{0, 16, T::kRoot, 0}},
      {{0, 8, T::kRoot, 0}, {8, 8, T::kFifth, -6}},
      {{0, 12, T::kRoot, 0}, {12, 4, T::kApproach, -8}},
      {{0, 8, T::kRoot, 0}, {8, 8, T::kOctave, -8}},
  };
  i.turns = {{{8, 4, T::kFifth, -4}, {12, 4, T::kApproach, -6}}};
  return i;
}

}  // namespace

const BassIdiom& bass_idiom(const std::string& pattern) {
  static const std::map<std::string, BassIdiom> kIdioms = {
      {"pulse8", pulse8()},         {"root_fifth", root_fifth()}, {"syncopated", syncopated()}, {"long", long_notes()},
      {"offbeat8", offbeat8()},     {"octave8", octave8()},       {"sustain", sustain()},
  };
  const auto it = kIdioms.find(pattern);
  return it == kIdioms.end() ? kIdioms.at("pulse8") : it->second;
}

}  // namespace bgm::compose_detail
