#pragma once
// Internal to compose/: the bass figures of each style's bass pattern, as a bass player knows them. A seed picks
// its piece's figures among them (bass.cpp); the style's pattern names the family: "pulse8" driving eighths
// (pop, rock, corporate), "root_fifth" (acoustic), "syncopated" (lo-fi), "long" held notes on the kick (hip-hop),
// "offbeat8" between four-on-the-floor kicks (electronic), "octave8" (chiptune), "sustain" (cinematic, ambient);
// "walking" is written note by note (bass_walk.cpp).
// Thread: constant tables; any thread.

#include <string>
#include <vector>

namespace bgm::compose_detail {

// Which note a hit plays, from the bar's chord and the next bar's root.
enum class BassTone {
  kRoot,
  kFifth,
  kOctave,
  kLowFifth,   // the fifth below the root
  kThird,
  kSeventh,
  kApproach,   // one scale step from the next root, on the side the line comes from
  kLead2,      // two scale steps away: a walk-up (or down) of kLead3, kLead2, kApproach
  kLead3,
  kChromatic,  // a half step from the next root
  kNextRoot,   // the next bar's root, early (an anticipation across the bar line)
};

struct BassHit {
  int step = 0;    // in sixteenths from the bar's downbeat (0..15)
  int length = 0;  // in sixteenths; 0: until the next hit
  BassTone tone = BassTone::kRoot;
  int accent = 0;  // added to the velocity
};

using BassFigure = std::vector<BassHit>;  // in step order

struct BassIdiom {
  bool locks_to_kick = false;  // plays with the kick (adds a note where the kick plays and the figure does not)
  bool sixteenths = false;     // figures and kicks may fall between the eighths
  bool moves_under_rests = false;  // a beat the tune holds or rests through is not left to a held bass note
  double legato = 1.0;         // share of the gap to the next hit a note holds
  double quiet_below = 0;      // sections under this energy play `quiet` (an intro, a breakdown)
  BassFigure quiet;
  BassFigure intro;            // the intro's bars, where not empty (else the seed's figures)
  std::vector<BassFigure> figures;  // a piece's themes each pick a main bar and an answer among these
  std::vector<BassFigure> turns;    // phrase-end endings of a bar, leading into the next chord
};

// The idiom of a style's bass pattern (the pulse8 family for an unknown name).
const BassIdiom& bass_idiom(const std::string& pattern);

}  // namespace bgm::compose_detail
