#include "engine/statement.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "audio/k_meter.h"
#include "audio/limiter.h"
#include "audio/loudness.h"

namespace bgm {
namespace {

double nearest_distance(double at, const std::vector<double>& marks) {
  double best = HUGE_VAL;
  for (double m : marks) best = std::min(best, std::fabs(m - at));
  return best;
}

double rms_db(const std::vector<float>& l, const std::vector<float>& r) {
  double sum = 0;
  for (size_t i = 0; i < l.size(); ++i) sum += 0.5 * (double{l[i]} * l[i] + double{r[i]} * r[i]);
  return l.empty() || sum <= 0 ? -HUGE_VAL : 10 * std::log10(sum / static_cast<double>(l.size()));
}

LoopSeam measure_seam(const AudioFrames& mix) {
  LoopSeam seam;
  const size_t n = mix.frames(), window = static_cast<size_t>(mix.sample_rate()) * 2 / 5, near = static_cast<size_t>(mix.sample_rate()) / 100;
  if (n < 2 * window) return seam;
  std::vector<float> hl(window), hr(window), tl(window), tr(window);
  mix.read_at(0, hl.data(), hr.data(), window);
  mix.read_at(n - window, tl.data(), tr.data(), window);
  const double head = rms_db(hl, hr), tail = rms_db(tl, tr);
  seam.level_jump_db = std::isfinite(head) && std::isfinite(tail) ? head - tail : 0;
  // The step from the last sample to the first, against the largest step within 10 ms either side of the seam.
  auto largest_step = [](const std::vector<float>& x, size_t from, size_t to) {
    double m = 0;
    for (size_t i = from + 1; i < to; ++i) m = std::max(m, double{std::fabs(x[i] - x[i - 1])});
    return m;
  };
  const double across = std::max(std::fabs(hl[0] - tl.back()), std::fabs(hr[0] - tr.back()));
  const double nearby = std::max({largest_step(hl, 0, near), largest_step(hr, 0, near), largest_step(tl, window - near, window),
                                  largest_step(tr, window - near, window)});
  seam.step = nearby > 0 ? across / nearby : 0;
  return seam;
}

}  // namespace

RenderStatement make_statement(const AudioFrames& mix, const Score& score, const VideoMoments& moments, const std::filesystem::path& soundfont,
                               std::optional<double> integrated_lufs) {
  RenderStatement s;
  s.integrated_lufs = integrated_lufs ? *integrated_lufs : KMeter::integrated(mix);
  const double peak = estimated_true_peak(mix);
  s.true_peak_dbtp = peak > 0 ? gain_to_db(peak) : -HUGE_VAL;
  std::vector<double> changes, downbeats;
  for (const auto& sec : score.sections) changes.push_back(score.seconds_at(static_cast<double>(sec.start_tick)));
  for (int64_t t = 0; t <= score.music_end_tick; t += kTicksPerBar) downbeats.push_back(score.seconds_at(static_cast<double>(t)));
  auto add = [&](const std::vector<double>& times, const char* kind) {
    for (double at : times) s.cuts.push_back({at, kind, nearest_distance(at, changes), nearest_distance(at, downbeats)});
  };
  add(moments.cuts, "cut");
  add(moments.scene_switches, "scene switch");
  std::sort(s.cuts.begin(), s.cuts.end(), [](const CutDistance& a, const CutDistance& b) { return a.at_s < b.at_s; });
  if (score.loop) s.loop_seam = measure_seam(mix);
  s.soundfont = read_soundfont_info(soundfont);
  s.licence = music_licence_note(s.soundfont);
  return s;
}

nlohmann::json statement_to_json(const RenderStatement& s) {
  auto finite = [](double v) { return std::isfinite(v) ? nlohmann::json(std::round(v * 100) / 100) : nlohmann::json(nullptr); };
  nlohmann::json cuts = nlohmann::json::array();
  for (const auto& c : s.cuts) {
    cuts.push_back({{"at_s", std::round(c.at_s * 1000) / 1000}, {"kind", c.kind},
                    {"to_section_change_s", std::round(c.to_section_change_s * 1000) / 1000},
                    {"to_downbeat_s", std::round(c.to_downbeat_s * 1000) / 1000}});
  }
  nlohmann::json seam = nullptr;
  if (s.loop_seam) seam = {{"level_jump_db", finite(s.loop_seam->level_jump_db)}, {"step", finite(s.loop_seam->step)}};
  return {
      {"integrated_lufs", finite(s.integrated_lufs)},
      {"true_peak_dbtp", finite(s.true_peak_dbtp)},
      {"measured_on", "the mix as handed to the encoder"},
      {"cuts", cuts},
      {"loop_seam", seam},
      {"soundfont",
       {{"path", s.soundfont.path.string()}, {"name", s.soundfont.name}, {"format", s.soundfont.format}, {"copyright", s.soundfont.copyright},
        {"licence", s.soundfont.licence}}},
      {"licence", s.licence},
  };
}

double farthest_cut_s(const RenderStatement& s) {
  double farthest = 0;
  for (const auto& c : s.cuts) farthest = std::max(farthest, c.to_section_change_s);
  return farthest;
}

std::string describe_statement(const RenderStatement& s) {
  char head[96];
  std::snprintf(head, sizeof head, "Measured %.1f LUFS, %.1f dBTP", s.integrated_lufs, s.true_peak_dbtp);
  std::string out = head;
  if (!s.cuts.empty()) {
    char cuts[96];
    std::snprintf(cuts, sizeof cuts, "; %zu cuts and scene switches, each within %.2f s of a section change", s.cuts.size(), farthest_cut_s(s));
    out += cuts;
  }
  if (s.loop_seam) {
    char seam[80];
    std::snprintf(seam, sizeof seam, "; loop seam %.1f dB", s.loop_seam->level_jump_db);
    out += seam;
  }
  return out + ". " + s.licence;
}

}  // namespace bgm
