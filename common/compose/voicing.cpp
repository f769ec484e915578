#include <algorithm>
#include <cmath>
#include <limits>

#include "compose/writers.h"

namespace bgm::compose_detail {

std::vector<int> voice_chord(const Chord& chord, std::array<int, 2> range, const std::vector<int>& previous, size_t max_voices) {
  std::vector<int> tones = chord.tones;
  if (tones.size() > max_voices) {
    // Drop the fifth first: it adds the least colour.
    if (tones.size() > 2) tones.erase(tones.begin() + 2);
    tones.resize(std::min(tones.size(), max_voices));
  }
  // Close position: from the bottom tone, each next tone is the next chord tone up (in pitch order, so an added
  // ninth sits a step above the root, not an octave away).
  std::sort(tones.begin(), tones.end());
  const double centre = (range[0] + range[1]) / 2.0;
  std::vector<int> best;
  double best_cost = std::numeric_limits<double>::max();
  for (size_t rot = 0; rot < tones.size(); ++rot) {
    for (int lift = 0; lift <= range[1] - range[0]; lift += 12) {
      std::vector<int> cand;
      int note = note_at_or_above(tones[rot], range[0]) + lift;
      cand.push_back(note);
      for (size_t k = 1; k < tones.size(); ++k) {
        note = note_at_or_above(tones[(rot + k) % tones.size()], note + 1);
        cand.push_back(note);
      }
      if (cand.back() > range[1]) continue;
      double cost = 0;
      if (previous.size() == cand.size()) {
        for (size_t k = 0; k < cand.size(); ++k) cost += std::abs(cand[k] - previous[k]);
      } else {
        double mean = 0;
        for (int c : cand) mean += c;
        cost = std::fabs(mean / static_cast<double>(cand.size()) - centre);
      }
      if (cost < best_cost) best_cost = cost, best = cand;
    }
  }
  if (best.empty()) {  // a narrow range: the chord's tones from the bottom, as many as fit
    int note = note_at_or_above(tones[0], range[0]);
    for (size_t k = 0; k < tones.size(); ++k) {
      if (k > 0) note = note_at_or_above(tones[k], note + 1);
      if (note <= range[1] || best.empty()) best.push_back(note);
    }
  }
  return best;
}

std::array<int, 7> chord_scale(const Key& key, const Chord& chord) {
  auto scale = scale_pitch_classes(key);
  for (int tone : chord.tones) {
    if (std::find(scale.begin(), scale.end(), tone) != scale.end()) continue;
    for (auto& pc : scale) {
      if ((pc + 1) % 12 == tone || (tone + 1) % 12 == pc) {
        pc = tone;
        break;
      }
    }
  }
  std::sort(scale.begin(), scale.end());
  return scale;
}

int step_in(const std::array<int, 7>& scale, int note, int steps) {
  auto in = [&](int n) { return std::find(scale.begin(), scale.end(), ((n % 12) + 12) % 12) != scale.end(); };
  int n = note;
  while (!in(n)) --n;
  const int dir = steps > 0 ? 1 : -1;
  for (int i = 0; i != steps; i += dir) {
    do n += dir;
    while (!in(n));
  }
  return n;
}

}  // namespace bgm::compose_detail
