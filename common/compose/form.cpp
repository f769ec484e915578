#include "compose/form.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace bgm {
namespace {

double bar_seconds(double bpm) { return 60.0 / bpm * kBeatsPerBar; }

// Lays out the body's sections over `bars` bars: intro, themes in 4/8-bar phrases, an optional build,
// a climax, an outro; energies arc around `energy`.
std::vector<Section> lay_out(int bars, double energy, bool build, bool loop) {
  std::vector<Section> out;
  auto add = [&](const char* name, const char* theme, int n, double e) {
    if (n <= 0) return;
    const int64_t start = out.empty() ? 0 : out.back().start_tick + out.back().length;
    out.push_back({name, theme, start, n * kTicksPerBar, std::clamp(e, 0.05, 1.0)});
  };
  if (bars <= 0) return out;
  if (loop) {
    // A loop is a bed at one level: themes alternate, no intro or outro, so the end meets the start.
    int left = bars;
    int i = 0;
    while (left > 0) {
      const int n = left >= 12 ? 8 : left;
      add(i % 2 == 0 ? "theme A" : "theme B", i % 2 == 0 ? "A" : "B", n, energy);
      left -= n;
      ++i;
    }
    return out;
  }
  if (bars <= 4) {
    add("theme A", "A", bars, energy);
    return out;
  }
  // Themes are whole 4-bar phrases (a tune cut short sounds wrong); the intro is at most 4 bars and a fifth of the
  // piece; bars that do not fill a phrase go to the outro.
  const int most_intro = std::max(1, std::min(4, bars / 5));
  int intro = std::min(bars >= 24 ? 4 : 2, most_intro);
  int outro = bars >= 16 ? 2 : 0;
  int middle = bars - intro - outro;
  if (middle < 4) {  // 5 to 7 bars: one phrase, the rest around it
    intro = 1;
    outro = bars - 5;
    middle = 4;
  }
  outro += middle % 4;
  middle -= middle % 4;
  // A one-bar intro beside a two-bar outro (7 bars): the melody starts at once and the outro has room to sing the
  // first three bars of the tune again.
  if (intro == 1 && outro == 2 && middle == 4) intro = 0, outro = 3;
  std::vector<int> phrases;
  if (middle >= 8) {
    phrases.assign(static_cast<size_t>(middle / 8), 8);
    if (middle % 8 == 4) phrases.insert(phrases.begin() + (phrases.empty() ? 0 : 1), 4);
  } else {
    phrases.push_back(middle);
  }
  add("intro", "I", intro, energy * 0.55);

  // The themes in the order A B A C A B ..., closing on A, with a build before the climax when the style has one.
  static const char* const order[] = {"A", "B", "A", "C", "A", "B"};
  const size_t climax = phrases.size() - 1;  // the last statement of A is the peak
  for (size_t i = 0; i < phrases.size(); ++i) {
    const std::string theme = i == climax && phrases.size() > 1 ? "A" : order[i % 6];
    const std::string name = theme == "C" ? "bridge" : "theme " + theme;
    const double arc = phrases.size() == 1 ? 1.0 : 0.8 + 0.35 * static_cast<double>(i) / static_cast<double>(phrases.size() - 1);
    const double e = i == climax ? std::min(1.0, energy + 0.25) : energy * arc;
    const int n = phrases[i];
    if (build && i + 1 == climax && n >= 8) {
      add(name.c_str(), theme.c_str(), n - 2, e);
      add("build", theme.c_str(), 2, std::min(1.0, e + 0.15));
      continue;
    }
    add(name.c_str(), theme.c_str(), n, e);
  }
  add("outro", "A", outro, energy * 0.6);
  return out;
}

}  // namespace

double ending_tail_seconds(double duration_s) { return std::clamp(duration_s * 0.05, 0.8, 2.0); }

FormPlan plan_form(const MusicSpec& spec, const StylePreset& style) {
  FormPlan plan;
  plan.bpm = spec.tempo_bpm;
  if (spec.loop) {
    // Whole bars fill the loop exactly: nudge the tempo (by at most half a bar over the length), preferring an
    // even number of bars.
    const double raw = spec.duration_s / bar_seconds(spec.tempo_bpm);
    int bars = std::max(1, static_cast<int>(std::lround(raw)));
    if (bars > 2 && bars % 2 == 1 && std::fabs(raw - (bars + 1)) < 0.75) ++bars;
    plan.bpm = bars * kBeatsPerBar * 60.0 / spec.duration_s;
    while (plan.bpm > kMaxTempo && bars > 1) plan.bpm = --bars * kBeatsPerBar * 60.0 / spec.duration_s;
    while (plan.bpm < kMinTempo) plan.bpm = ++bars * kBeatsPerBar * 60.0 / spec.duration_s;
    plan.body_bars = bars;
    plan.sections = lay_out(bars, spec.energy, false, true);
    return plan;
  }
  // The tempo stays as asked: the final chord absorbs what whole bars cannot fill, held between one and two bars
  // (a fermata), and released `tail_s` before the end.
  plan.tail_s = ending_tail_seconds(spec.duration_s);
  const double bar_s = bar_seconds(plan.bpm);
  const double music_s = spec.duration_s - plan.tail_s;
  const double min_hold = std::min(bar_s, music_s);
  plan.body_bars = std::max(0, static_cast<int>(std::floor((music_s - min_hold) / bar_s + 1e-9)));
  const double hold_s = music_s - plan.body_bars * bar_s;
  plan.final_chord_ticks = static_cast<int64_t>(std::floor(hold_s / 60.0 * plan.bpm * kTicksPerBeat));
  plan.sections = lay_out(plan.body_bars, spec.energy, style.build, false);
  const int64_t end = plan.body_bars * kTicksPerBar;
  const double last_energy = plan.sections.empty() ? spec.energy * 0.6 : plan.sections.back().energy;
  plan.sections.push_back({"ending", "E", end, plan.final_chord_ticks, last_energy});
  return plan;
}

}  // namespace bgm
