// The composed ending: after the cadence's dominant, every part that was playing lands on the tonic together
// and holds it; drums mark it with one crash and kick and then let it ring.
#include <algorithm>

#include "compose/writers.h"

namespace bgm::compose_detail {

void write_ending(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset) {
  if (score.loop || score.sections.empty() || score.sections.back().name != "ending") return;
  const Section& ending = score.sections.back();
  const auto body = body_sections(score);
  // Parts that were silent at the end stay silent, except the harmony carriers, so the final chord is full.
  if (!body.empty() && !plays_in(preset, *body.back()) && preset.role != Role::kPad && preset.role != Role::kHarmony &&
      preset.role != Role::kBass) {
    return;
  }
  const Chord& tonic = score.chords.back().chord;
  const int64_t t = ending.start_tick;
  const int64_t len = ending.length;
  const double e = std::max(ending.energy, 0.5);  // the last chord is heard, however quiet the piece
  switch (preset.role) {
    case Role::kDrums:
      part.notes.push_back({t, kTicksPerBeat, 49, velocity_for(92, e)});
      part.notes.push_back({t, kTicksPerBeat, 36, velocity_for(96, e)});
      break;
    case Role::kBass: {
      int root = note_at_or_above(tonic.root, preset.range[0]);
      if (root > preset.range[1]) root -= 12;
      part.notes.push_back({t, len, root, velocity_for(92, e)});
      break;
    }
    case Role::kMelody: {
      const auto& r = style.melody.range;
      int pitch = nearest_note(tonic.root, (r[0] + r[1]) / 2);
      part.notes.push_back({t, len, std::clamp(pitch, r[0], r[1]), velocity_for(86, e)});
      break;
    }
    default: {
      // Root position for a settled close, the tonic on top when it fits.
      std::vector<int> voicing = voice_chord(tonic, preset.range, {}, 4);
      for (int n : voicing) part.notes.push_back({t, len, n, velocity_for(preset.role == Role::kPad ? 70 : 82, e)});
      const int low_root = note_at_or_above(tonic.root, preset.range[0]);
      if (preset.role == Role::kHarmony && std::find(voicing.begin(), voicing.end(), low_root) == voicing.end())
        part.notes.push_back({t, len, low_root, velocity_for(76, e)});
      break;
    }
  }
}

}  // namespace bgm::compose_detail
