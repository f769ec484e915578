// The composed ending: after the cadence's dominant, every part that was playing lands on the tonic together, in
// the style's way: a block chord (pop, corporate), a rolled chord (piano, lo-fi), a slow strum (acoustic), a soft
// chord that fades (ambient, cinematic), a big finish over a drum roll (rock), a stop on the beat with the pad
// ringing (electronic, hip-hop), a coloured 6/9 chord (jazz), a fast arpeggio over it (chiptune). Before it the tempo
// broadens (slow_into_the_ending).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "compose/writers.h"

namespace bgm::compose_detail {
namespace {

enum class Ending { kBlock, kRolled, kStrum, kFade, kBig, kStop, kJazz, kArpeggio };

Ending ending_of(const StylePreset& style) {
  static const std::pair<const char*, Ending> kNames[] = {
      {"rolled", Ending::kRolled}, {"strum", Ending::kStrum}, {"fade", Ending::kFade},   {"big", Ending::kBig},
      {"stop", Ending::kStop},     {"jazz", Ending::kJazz},   {"arpeggio", Ending::kArpeggio},
  };
  for (const auto& [name, kind] : kNames)
    if (style.ending == name) return kind;
  return Ending::kBlock;
}

// How loud the last chord is against a block ending.
double loudness_of(Ending kind) {
  switch (kind) {
    case Ending::kFade: return 0.72;
    case Ending::kRolled: return 0.8;  // five notes and more, rolled softly
    default: return 1.0;
  }
}

// The tonic with a jazz ending's colours: the sixth (major) or seventh (minor), and the ninth.
Chord coloured(const Chord& tonic, const Key& key) {
  Chord c = tonic;
  c.tones.resize(std::min<size_t>(c.tones.size(), 3));
  const bool major = key.mode == Mode::kMajor || key.mode == Mode::kMixolydian;
  c.tones.push_back(scale_step(key, tonic.root + 60, major ? 5 : 6) % 12);
  c.tones.push_back(scale_step(key, tonic.root + 60, 1) % 12);  // the ninth
  return c;
}

void write_drums_ending(Part& part, Ending kind, int64_t t, int64_t len, double e, double loud) {
  auto hit = [&](int64_t at, int note, int vel) { part.notes.push_back({at, kTicksPerBeat, note, velocity_for(static_cast<int>(vel * loud), e)}); };
  switch (kind) {
    case Ending::kFade: hit(t, 45, 70); break;   // one soft low drum, then the chord alone
    case Ending::kRolled: hit(t, 36, 72); break;
    case Ending::kJazz: hit(t, 51, 80); hit(t, 36, 60); break;
    case Ending::kBig: {
      // Crash, a roll over the held chord that swells, and the last hit.
      hit(t, 49, 100);
      hit(t, 36, 100);
      const int64_t last = t + std::max<int64_t>(len - kTicksPerBeat, kTicksPerBeat);
      const int64_t step = kTicksPerBeat / 4;
      for (int64_t at = t + kTicksPerBeat; at + step <= last; at += step) {
        const double p = static_cast<double>(at - t) / static_cast<double>(std::max<int64_t>(last - t, 1));
        const int note = at % (2 * step) == 0 ? 38 : (p < 0.5 ? 47 : 45);
        part.notes.push_back({at, step, note, velocity_for(static_cast<int>(55 + 55 * p), e)});
      }
      hit(last, 49, 110);
      hit(last, 36, 110);
      break;
    }
    default: hit(t, 49, 92); hit(t, 36, 96); break;
  }
}

}  // namespace

void write_ending(Part& part, const Score& score, const StylePreset& style, const PartPreset& preset) {
  if (score.loop || score.sections.empty() || score.sections.back().name != "ending") return;
  const Section& ending = score.sections.back();
  const auto body = body_sections(score);
  // Parts that were silent at the end stay silent, except the harmony carriers, so the final chord is full.
  if (!body.empty() && !plays_in(preset, *body.back()) && preset.role != Role::kPad && preset.role != Role::kHarmony &&
      preset.role != Role::kBass) {
    return;
  }
  const Ending kind = ending_of(style);
  const Chord tonic = kind == Ending::kJazz ? coloured(score.chords.back().chord, score.key) : score.chords.back().chord;
  const int64_t t = ending.start_tick;
  const int64_t len = ending.length;
  // The last chord at the level of what leads into it (a quiet outro closes softly: a chord of five notes after
  // single ones is louder already), yet heard however quiet the piece.
  const double e = body.empty() ? std::max(ending.energy, 0.5) : std::clamp(body.back()->energy, 0.15, 1.0);
  const double loud = loudness_of(kind);
  auto vel = [&](int base) { return velocity_for(static_cast<int>(base * loud), e); };
  // A stop: everything but the pads and the bass lands on the beat and lets go.
  const int64_t held = kind == Ending::kStop && preset.role != Role::kPad && preset.role != Role::kBass ? std::min(len, kTicksPerBeat) : len;
  if (kind == Ending::kArpeggio && preset.role == Role::kCounter) {
    // The arpeggio channel runs up and down the tonic chord in sixteenths over the held chord, then rests on its top.
    std::vector<int> up;
    for (int n = preset.range[0]; n <= preset.range[1]; ++n)
      if (tonic.contains(n)) up.push_back(n);
    if (up.empty()) return;
    const int64_t step = kTicksPerBeat / 4;
    const int64_t run_end = t + std::max<int64_t>(len - kTicksPerBeat, step);
    size_t i = 0;
    int64_t at = t;
    for (; at + step <= run_end; at += step, ++i) {
      const size_t cycle = 2 * up.size() - 2, k = cycle ? i % cycle : 0;
      part.notes.push_back({at, step, up[k < up.size() ? k : cycle - k], vel(k == 0 ? 84 : 72)});
    }
    part.notes.push_back({at, std::max<int64_t>(t + len - at, step), up.back(), vel(80)});
    return;
  }
  switch (preset.role) {
    case Role::kDrums: write_drums_ending(part, kind, t, len, e, loud); break;
    case Role::kBass: {
      int root = note_at_or_above(tonic.root, preset.range[0]);
      if (root > preset.range[1]) root -= 12;
      part.notes.push_back({t, held, root, vel(92)});
      break;
    }
    case Role::kMelody: {
      const auto& r = style.melody.range;
      const int pitch = std::clamp(nearest_note(tonic.root, (r[0] + r[1]) / 2), r[0], r[1]);
      part.notes.push_back({t + (kind == Ending::kRolled ? 3 * 40 : 0), held, pitch, vel(76)});
      break;
    }
    default: {
      // Root position for a settled close, the tonic on top when it fits.
      std::vector<int> voicing = voice_chord(tonic, preset.range, {}, kind == Ending::kJazz ? 5 : 4);
      const int low_root = note_at_or_above(tonic.root, preset.range[0]);
      if (preset.role == Role::kHarmony && std::find(voicing.begin(), voicing.end(), low_root) == voicing.end()) voicing.push_back(low_root);
      std::sort(voicing.begin(), voicing.end());
      // Rolled and strummed chords spread from the lowest note up; pads never roll.
      int64_t spread = 0;
      if (preset.role != Role::kPad && kind == Ending::kRolled) spread = 40;
      if (preset.role != Role::kPad && kind == Ending::kStrum) spread = 25;
      for (size_t k = 0; k < voicing.size(); ++k) {
        const int64_t at = t + static_cast<int64_t>(k) * spread;
        part.notes.push_back({at, std::max<int64_t>(held - (at - t), 30), voicing[k], vel(preset.role == Role::kPad ? 70 : 82)});
      }
      break;
    }
  }
}

void slow_into_the_ending(Score& score, double final_ratio) {
  if (score.loop || score.sections.size() < 2 || score.sections.back().name != "ending" || final_ratio >= 1.0) return;
  Section& ending = score.sections.back();
  const int64_t end = ending.start_tick;
  const int64_t from = end - kTicksPerBar;
  if (from < 0 || ending.length <= 0) return;
  const double release_s = score.seconds_at(static_cast<double>(end + ending.length));
  double bpm = score.tempo.front().bpm;
  for (const auto& c : score.tempo)
    if (c.tick <= from) bpm = c.bpm;
  std::vector<TempoChange> tempo;
  for (const auto& c : score.tempo)
    if (c.tick < from) tempo.push_back(c);
  // The last bar broadens beat by beat; the final chord is at the slowest tempo.
  for (int beat = 0; beat < kBeatsPerBar; ++beat) {
    const double ratio = 1.0 - (1.0 - final_ratio) * (beat + 1) / (kBeatsPerBar + 1.0);
    tempo.push_back({from + beat * kTicksPerBeat, bpm * ratio});
  }
  tempo.push_back({end, bpm * final_ratio});
  Score slowed = score;
  slowed.tempo = tempo;
  // The chord is released at the same moment as before: it holds for fewer ticks at the slower tempo.
  const double hold_s = release_s - slowed.seconds_at(static_cast<double>(end));
  const auto ticks = static_cast<int64_t>(std::floor(hold_s / 60.0 * bpm * final_ratio * kTicksPerBeat));
  if (ticks < kTicksPerBeat * 2) return;  // too short a hold to broaden into
  score.tempo = std::move(tempo);
  ending.length = ticks;
}

}  // namespace bgm::compose_detail
