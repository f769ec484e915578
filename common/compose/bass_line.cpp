#include "compose/bass_line.h"

#include <algorithm>

namespace bgm::compose_detail {
namespace {

// The chord root placed low in the part's range.
int low_root(const Chord& chord, const PartPreset& p) {
  int n = note_at_or_above(chord.root, p.range[0]);
  if (n > p.range[1]) n -= 12;
  return n;
}

const Chord& next_chord(const Score& score, int64_t bar) { return score.chord_at(std::min(bar + kTicksPerBar, score.chords.back().tick)); }

}  // namespace

LineContext::LineContext(const Score& score, const PartPreset& preset, int64_t bar, bool chromatic)
    : score_(score),
      preset_(preset),
      chord_(score.chord_at(bar)),
      root_(low_root(chord_, preset)),
      target_(low_root(next_chord(score, bar), preset)),
      chromatic_(chromatic) {}

int LineContext::fit(int pitch) const {
  if (pitch > preset_.range[1] + 7) pitch -= 12;
  if (pitch < preset_.range[0] - 2) pitch += 12;
  return pitch;
}

int LineContext::pitch(BassTone tone) const {
  const int fifth = chord_.tones.size() >= 3 ? note_at_or_above(chord_.tones[2], root_) : root_ + 7;
  // The way into the next root: from below when the line rises to it, from above when it falls; into the same
  // root again, a walk up from it toward the fifth.
  const int dir = target_ > root_ ? -1 : 1;
  auto lead = [&](int away) { return target_ == root_ ? scale_step(score_.key, root_, 4 - away) : scale_step(score_.key, target_, dir * away); };
  switch (tone) {
    case BassTone::kRoot: return root_;
    case BassTone::kFifth: return fit(fifth);
    case BassTone::kOctave: return root_ + 12 <= preset_.range[1] + 5 ? root_ + 12 : root_;
    case BassTone::kLowFifth: return fifth - 12 >= preset_.range[0] ? fifth - 12 : fifth;  // never under the range
    case BassTone::kThird: return chord_.tones.size() > 1 ? fit(note_at_or_above(chord_.tones[1], root_)) : root_;
    case BassTone::kSeventh:
      return fit(chord_.tones.size() > 3 ? note_at_or_above(chord_.tones[3], root_) : scale_step(score_.key, root_ + 12, -1));
    case BassTone::kApproach: return fit(target_ == root_ ? fifth : lead(1));
    case BassTone::kLead2: return fit(lead(2));
    case BassTone::kLead3: return fit(lead(3));
    case BassTone::kChromatic:
      if (!chromatic_) return pitch(BassTone::kApproach);
      return fit(target_ >= root_ ? target_ - 1 : target_ + 1);
    case BassTone::kNextRoot: return target_;
  }
  return root_;
}

}  // namespace bgm::compose_detail
