#include "compose/range_edit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "compose/composer.h"

namespace bgm {
namespace {

// The ticks taken from the edited version: whole bars inside the range, else whole beats (a short range).
std::pair<int64_t, int64_t> splice_span(const Score& score, const EnergyRange& range) {
  const int64_t from = tick_at_seconds(score, range.start_s), to = tick_at_seconds(score, range.end_s);
  auto inner = [&](int64_t unit) {
    const int64_t a = (from + unit - 1) / unit * unit, b = to / unit * unit;
    return std::pair<int64_t, int64_t>{a, b};
  };
  auto bars = inner(kTicksPerBar);
  if (bars.second > bars.first) return bars;
  return inner(kTicksPerBeat);
}

}  // namespace

int64_t tick_at_seconds(const Score& score, double seconds) {
  int64_t lo = 0, hi = std::max<int64_t>(score.music_end_tick, kTicksPerBeat);
  while (score.seconds_at(static_cast<double>(hi)) < seconds && hi < (int64_t{1} << 40)) hi *= 2;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (score.seconds_at(static_cast<double>(mid)) < seconds) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

Result<Score> compose_with_ranges(const MusicSpec& spec, const StylePreset& style, const FormPlan& plan,
                                  const std::vector<EnergyRange>& ranges) {
  auto base = compose_on_form(spec, style, plan);
  if (!base || ranges.empty()) return base;
  Score score = std::move(base).value();
  FormPlan edited = plan;
  for (const EnergyRange& r : ranges) {
    if (!std::isfinite(r.start_s) || !std::isfinite(r.end_s) || !std::isfinite(r.delta) || r.end_s <= r.start_s || r.start_s < 0 ||
        r.start_s >= score.duration_s) {
      return make_error(ErrorCode::kInvalidArgument, "That part of the music is outside the piece, or empty.");
    }
    const auto span = splice_span(score, r);
    const int64_t from = span.first, to = span.second;  // plain names: lambdas capture them (clang 14)
    if (to <= from) return make_error(ErrorCode::kInvalidArgument, "That part of the music is shorter than a beat.");
    // The sections under the range, with their energy moved.
    for (Section& s : edited.sections) {
      if (s.start_tick < to && s.start_tick + s.length > from) s.energy = std::clamp(s.energy + r.delta, 0.05, 1.0);
    }
    auto changed = compose_on_form(spec, style, edited);
    if (!changed) return changed.error();
    // The same parts in the same order: same spec, same orchestration.
    for (size_t p = 0; p < score.parts.size() && p < changed->parts.size(); ++p) {
      auto& notes = score.parts[p].notes;
      std::erase_if(notes, [&](const Note& n) { return n.tick >= from && n.tick < to; });
      for (Note n : changed->parts[p].notes) {
        if (n.tick < from || n.tick >= to) continue;
        n.length = std::min(n.length, to - n.tick);  // nothing of the edit sounds past the range
        notes.push_back(n);
      }
      std::stable_sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) { return a.tick < b.tick; });
      // Expression follows the notes: the edited range's pedal and swells, the rest untouched.
      auto& controls = score.parts[p].controls;
      std::erase_if(controls, [&](const Control& c) { return c.tick >= from && c.tick < to; });
      for (const Control& c : changed->parts[p].controls)
        if (c.tick >= from && c.tick < to) controls.push_back(c);
      std::stable_sort(controls.begin(), controls.end(), [](const Control& a, const Control& b) { return a.tick < b.tick; });
    }
    score.sections = edited.sections;
  }
  return score;
}

}  // namespace bgm
