#include "live/live_chapter.h"

#include <algorithm>
#include <cmath>

#include "compose/composer.h"

namespace bgm {

Result<Score> compose_chapter(const MusicSpec& mood, uint64_t index) {
  const StylePreset* style = StyleCatalog::builtin().find(mood.style_id);
  if (!style) return make_error(ErrorCode::kInvalidArgument, "Unknown style '" + mood.style_id + "'.");
  MusicSpec spec = mood;
  spec.loop = true;
  spec.seed = mood.seed + index * 0x9E3779B97F4A7C15ull;
  // Chapters breathe: a little lower, a little higher, around the mood's energy.
  static const double kLift[] = {0.0, 0.08, -0.06, 0.12, -0.04, 0.04};
  spec.energy = std::clamp(mood.energy + kLift[index % std::size(kLift)], 0.05, 1.0);
  spec.duration_s = kLiveChapterBars * kBeatsPerBar * 60.0 / mood.tempo_bpm;
  return compose(spec, *style);
}

int live_channel(int bank, size_t part_index) {
  return part_index < static_cast<size_t>(kLiveBankChannels) ? bank * kLiveBankChannels + static_cast<int>(part_index) : -1;
}

int64_t chapter_samples(const Score& score, int sample_rate) {
  return static_cast<int64_t>(std::llround(score.seconds_at(static_cast<double>(score.music_end_tick)) * sample_rate));
}

std::vector<LiveEvent> chapter_events(const Score& score, int bank, int64_t start, int sample_rate) {
  std::vector<LiveEvent> out;
  const int64_t end = start + chapter_samples(score, sample_rate);
  auto at = [&](double tick) { return start + static_cast<int64_t>(std::llround(score.seconds_at(tick) * sample_rate)); };
  for (size_t i = 0; i < score.parts.size(); ++i) {
    const int channel = live_channel(bank, i);
    if (channel < 0) break;
    const Part& part = score.parts[i];
    for (const Control& c : part.controls)
      out.push_back({std::min(at(static_cast<double>(c.tick)), end - 1), LiveEventKind::kControl, channel, c.controller, std::clamp(c.value, 0, 127)});
    for (const Note& n : part.notes) {
      const double on_tick = static_cast<double>(n.tick + n.offset);
      // A note humanised ahead of the chapter's first beat starts on it; every note ends inside its chapter.
      const int64_t on = std::clamp<int64_t>(at(on_tick), start, end - 1);
      const int64_t off = std::clamp<int64_t>(at(on_tick + static_cast<double>(n.length)), on + 1, end);
      out.push_back({on, LiveEventKind::kNoteOn, channel, n.pitch, std::clamp(n.velocity, 1, 127)});
      out.push_back({off, LiveEventKind::kNoteOff, channel, n.pitch, 0});
    }
  }
  std::stable_sort(out.begin(), out.end());
  return out;
}

std::vector<LiveEvent> fill_into(int channel, int64_t end, double beat_samples) {
  // Four sixteenths: snare, snare, high tom, low tom, rising.
  static const int kNotes[] = {38, 38, 50, 45};
  std::vector<LiveEvent> out;
  for (int i = 0; i < 4; ++i) {
    const auto on = end - static_cast<int64_t>(std::llround(beat_samples * (4 - i) / 4.0));
    out.push_back({on, LiveEventKind::kNoteOn, channel, kNotes[i], 70 + 8 * i});
    out.push_back({on + static_cast<int64_t>(beat_samples / 4.0) - 1, LiveEventKind::kNoteOff, channel, kNotes[i], 0});
  }
  return out;
}

}  // namespace bgm
