#include <algorithm>
#include <cmath>
#include <cstdint>

#include "compose/form.h"

namespace bgm {
namespace {

constexpr double kMaxTempoChange = 0.12;

double mean_intensity(const VideoCues& cues, double from, double to, double fallback) {
  if (cues.intensity.empty() || to <= from) return fallback;
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < cues.intensity.size(); ++i) {
    const double t = (static_cast<double>(i) + 0.5) * cues.interval_s;
    if (t >= from && t < to) sum += cues.intensity[i], ++n;
  }
  return n ? sum / n : fallback;
}

// Picks boundaries: every scene switch that leaves room, then the cuts that still do.
std::vector<double> choose_boundaries(const VideoCues& cues, double first, double last, double min_gap) {
  std::vector<double> chosen;
  auto fits = [&](double t) {
    if (t < first || t > last) return false;
    return std::all_of(chosen.begin(), chosen.end(), [&](double c) { return std::fabs(c - t) >= min_gap; });
  };
  for (double t : cues.scene_switches)
    if (fits(t)) chosen.push_back(t);
  for (double t : cues.cuts)
    if (fits(t)) chosen.push_back(t);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

FormPlan plan_form_for_video(const MusicSpec& spec, const StylePreset& style, const VideoCues& cues) {
  FormPlan plan;
  plan.bpm = spec.tempo_bpm;
  plan.tail_s = ending_tail_seconds(spec.duration_s);
  const double bar_s = 240.0 / plan.bpm;
  const double music_end = spec.duration_s - plan.tail_s;
  // Sections last two bars, or 4 s at slow tempos, and never less than a bar; the last needs room for a bar and
  // the final chord.
  const double min_section = std::max(bar_s, std::min(2 * bar_s, 4.0));
  const auto boundaries = choose_boundaries(cues, min_section, music_end - 2 * bar_s, min_section);

  static const char* const themes[] = {"A", "B", "A", "C", "A", "B"};
  int64_t tick = 0;
  double at = 0;  // seconds where the next section starts
  size_t index = 0;
  auto add_section = [&](int bars, double bpm, double energy, const std::string& theme) {
    const std::string name = theme == "C" ? "bridge" : "theme " + theme;
    plan.sections.push_back({name, theme, tick, bars * kTicksPerBar, std::clamp(energy, 0.05, 1.0)});
    if (plan.tempo.empty() || plan.tempo.back().bpm != bpm) plan.tempo.push_back({tick, bpm});
    tick += bars * kTicksPerBar;
    at += bars * 240.0 / bpm;
  };
  auto energy_for = [&](double from, double to) {
    const double video = mean_intensity(cues, from, to, spec.energy);
    return 0.5 * spec.energy + 0.6 * video;
  };
  for (double b : boundaries) {
    const double span = b - at;
    // Whole bars at a tempo near the spec's that end on the boundary; the nearest length when none does.
    int bars = std::max(1, static_cast<int>(std::lround(span / bar_s)));
    double bpm = bars * 240.0 / span;
    bpm = std::clamp(bpm, plan.bpm * (1 - kMaxTempoChange), plan.bpm * (1 + kMaxTempoChange));
    const double energy = energy_for(at, b);
    const std::string theme = themes[index++ % 6];
    // Long spans become 8-bar phrases (themes alternate), the rest joining the last one.
    while (bars > 12) {
      add_section(8, bpm, energy, theme == "A" ? (index % 2 ? "A" : "B") : theme);
      bars -= 8;
    }
    add_section(bars, bpm, energy, theme);
  }
  // The closing section and the ending at the spec's tempo.
  const double rest = music_end - at;
  const double min_hold = std::min(bar_s, rest);
  int body = std::max(0, static_cast<int>(std::floor((rest - min_hold) / bar_s + 1e-9)));
  const double energy = energy_for(at, spec.duration_s);
  while (body > 12) {
    add_section(8, plan.bpm, energy, themes[index++ % 6]);
    body -= 8;
  }
  if (body > 0) add_section(body, plan.bpm, std::min(1.0, energy + 0.1), "A");
  if (plan.tempo.empty() || plan.tempo.back().bpm != plan.bpm) plan.tempo.push_back({tick, plan.bpm});
  const double hold_s = music_end - at;
  plan.final_chord_ticks = static_cast<int64_t>(std::floor(hold_s / 60.0 * plan.bpm * kTicksPerBeat));
  int64_t body_ticks = 0;
  for (const auto& s : plan.sections) body_ticks += s.length;
  plan.body_bars = static_cast<int>(body_ticks / kTicksPerBar);
  const double last_energy = plan.sections.empty() ? spec.energy : plan.sections.back().energy;
  plan.sections.push_back({"ending", "E", tick, plan.final_chord_ticks, last_energy * 0.8});
  (void)style;
  return plan;
}

}  // namespace bgm
