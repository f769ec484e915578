#pragma once
// Internal to compose/: the notes a bass line may play in one bar (its chord's root placed low in the part's
// range, the fifth, the octave, the way into the next bar's root), and the walking bass of jazz.
// Thread: plain functions of their arguments; called by compose() on its thread.

#include <cstdint>

#include "compose/bass_figures.h"
#include "compose/score.h"
#include "core/rng.h"
#include "spec/style_catalog.h"

namespace bgm::compose_detail {

class LineContext {
 public:
  // The bar starting at tick `bar` of `score`, for a part of `preset`'s range. `chromatic`: the style leans into
  // roots by half steps (see StylePreset::chromatic_approach); without it kChromatic plays kApproach.
  LineContext(const Score& score, const PartPreset& preset, int64_t bar, bool chromatic);

  // The pitch of `tone` in this bar (see BassTone), kept near the part's range.
  int pitch(BassTone tone) const;
  // Whether the next bar has another root.
  bool next_root_differs() const { return target_ != root_; }

 private:
  int fit(int pitch) const;

  const Score& score_;
  const PartPreset& preset_;
  const Chord& chord_;
  int root_;    // this bar's root, low in the range
  int target_;  // the next bar's root, low in the range
  bool chromatic_;
};

// Jazz: four to the bar through the chord to an approach into the next root (a half step where the style leans
// chromatically, a scale step, or from its fifth), a two-feel in quiet sections, now and then a skip on the last
// off-beat or an enclosure at a phrase end; each bar starts near where the last one ended.
void write_walking_bass(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset, Rng& rng);

}  // namespace bgm::compose_detail
