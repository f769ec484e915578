#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "core/rng.h"
#include "spec/lexicon.h"
#include "spec/music_spec.h"
#include "spec/prompt_parser.h"

namespace bgm {
namespace {

std::string fmt(double v, int decimals = 0) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << v;
  return out.str();
}

// The one pitched instrument a prompt asks for, when it asks for one alone ("gentle guitar music"): it leads.
const InstrumentEntry* lone_instrument(const PromptFacts& facts) {
  if (facts.wanted.size() != 1) return nullptr;
  const InstrumentEntry* inst = find_instrument(facts.wanted.front());
  if (!inst || inst->program < 0 || inst->role == Role::kDrums || inst->role == Role::kBass) return nullptr;
  return inst;
}

Result<const StylePreset*> choose_style(const SpecRequest& req, const PromptFacts& facts, const MoodEntry* mood,
                                        const StyleCatalog& catalog, std::vector<std::string>& reasons) {
  if (req.style && !req.style->empty() && *req.style != "auto") {
    const StylePreset* s = catalog.find(*req.style);
    if (!s) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Unknown style '" + *req.style + "'. Known styles: " + catalog.id_list() + ".");
    }
    reasons.push_back("style: " + s->name + ", as asked (--style)");
    return s;
  }
  if (facts.style_id) {
    const StylePreset* s = catalog.find(*facts.style_id);
    reasons.push_back("style: " + s->name + ", named in the prompt");
    return s;
  }
  // One instrument asked for alone, and a style named after it ("calm piano music"): that style; the mood still
  // sets the energy and the mode.
  if (const InstrumentEntry* alone = lone_instrument(facts)) {
    if (const StylePreset* s = catalog.find(std::string(alone->id))) {
      reasons.push_back("style: " + s->name + ", the " + std::string(alone->id) + " asked for alone");
      return s;
    }
  }
  // Instruments alone may point at a style: the one whose parts already use most of them.
  if (!facts.wanted.empty() && !mood) {
    const StylePreset* best = nullptr;
    int best_score = 0;
    for (const auto& s : catalog.styles()) {
      int score = 0;
      for (const auto& id : facts.wanted) {
        const InstrumentEntry* inst = find_instrument(id);
        for (const auto& p : s.parts)
          if (inst && inst->program >= 0 && p.program >= inst->family_low && p.program <= inst->family_high && p.bank == 0) {
            ++score;
            break;
          }
      }
      if (score > best_score) best = &s, best_score = score;
    }
    if (best) {
      reasons.push_back("style: " + best->name + ", which suits the instruments asked for");
      return best;
    }
  }
  if (mood) {
    const StylePreset* s = catalog.find(mood->style_id);
    reasons.push_back("style: " + s->name + ", to fit the " + std::string(mood->id) + " mood");
    return s;
  }
  const StylePreset* s = catalog.find("lofi");
  reasons.push_back("style: " + s->name + " (the default when nothing else is said)");
  return s;
}

Mode choose_mode(const StylePreset& style, const MoodEntry* mood) {
  if (mood && mood->mode) {
    // Use the mood's mode when the style has it, or its nearest relative (dorian ~ minor).
    for (Mode m : style.modes)
      if (m == *mood->mode) return m;
    const bool minorish = *mood->mode == Mode::kMinor || *mood->mode == Mode::kDorian;
    for (Mode m : style.modes)
      if (minorish == (m == Mode::kMinor || m == Mode::kDorian)) return m;
    return *mood->mode;
  }
  return style.modes.front();
}

int choose_tonic(Mode mode, Rng& rng) {
  // Keys that sit well on General MIDI instruments and in a mix under speech.
  static const std::vector<int> major = {0, 2, 3, 5, 7, 9, 10};   // C D Eb F G A Bb
  static const std::vector<int> minor = {9, 2, 4, 0, 7, 5, 11};   // A D E C G F B
  const auto& set = (mode == Mode::kMajor || mode == Mode::kMixolydian) ? major : minor;
  return set[static_cast<size_t>(rng.range(0, static_cast<int>(set.size()) - 1))];
}

bool matches_instrument(const PartPreset& part, const InstrumentEntry& inst) {
  if (inst.role == Role::kDrums) return part.role == Role::kDrums;
  if (inst.program < 0) return part.role == inst.role;  // "bass", "melody": the role itself
  return part.bank == 0 && part.program >= inst.family_low && part.program <= inst.family_high;
}

// Applies wanted and excluded instruments to the style's parts.
std::vector<PartPreset> orchestrate(const StylePreset& style, const PromptFacts& facts, std::vector<std::string>& reasons) {
  std::vector<PartPreset> parts = style.parts;
  std::vector<bool> assigned(parts.size(), false);

  for (const auto& id : facts.wanted) {
    const InstrumentEntry* inst = find_instrument(id);
    if (!inst) continue;
    // Already played by the style?
    bool present = false;
    for (size_t i = 0; i < parts.size(); ++i)
      if (matches_instrument(parts[i], *inst)) present = true, assigned[i] = true;
    if (present && inst == lone_instrument(facts)) {
      // Asked for alone but only accompanying here (corporate's guitar): it takes the tune as well.
      for (size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].role != Role::kMelody || matches_instrument(parts[i], *inst)) continue;
        parts[i].program = inst->program;
        parts[i].name = std::string(inst->id);
        assigned[i] = true;
        reasons.push_back("instrument: " + std::string(inst->id) + ", plays the tune");
        break;
      }
    }
    if (present) reasons.push_back("instrument: " + std::string(inst->id) + ", already played in this style");
    if (present || inst->program < 0) {
      if (!present && inst->role != Role::kDrums) {
        // A role the style lacks ("bass" in solo piano): add it with a default voice.
        PartPreset p;
        p.role = inst->role;
        p.name = std::string(role_name(inst->role));
        p.program = inst->role == Role::kBass ? 33 : 0;
        p.pattern = inst->role == Role::kBass ? "pulse8" : "";
        p.range = inst->role == Role::kBass ? std::array<int, 2>{33, 50} : std::array<int, 2>{60, 80};
        parts.push_back(p);
        assigned.push_back(true);
        reasons.push_back("instrument: " + std::string(inst->id) + ", added");
      } else if (!present) {
        PartPreset p;
        p.role = Role::kDrums;
        p.name = "drums";
        p.bank = 128;
        p.volume = 90;
        parts.push_back(p);
        assigned.push_back(true);
        reasons.push_back("instrument: drums, added");
      }
      continue;
    }
    // Give the instrument the first unassigned part of its role, else of a related role, else a new part.
    static const std::vector<std::vector<Role>> chains = {
        {Role::kHarmony, Role::kPad, Role::kCounter},  // from harmony
        {Role::kPad, Role::kHarmony, Role::kCounter},  // from pad
        {Role::kMelody, Role::kCounter, Role::kPad},   // from melody
        {Role::kCounter, Role::kMelody, Role::kPad},   // from counter
    };
    const std::vector<Role>* chain = &chains[0];
    // An instrument asked for alone takes the tune (a piano asked for in an ambient piece leads it).
    const Role first = inst == lone_instrument(facts) ? Role::kMelody : inst->role;
    for (const auto& c : chains)
      if (c.front() == first) chain = &c;
    bool placed = false;
    for (Role role : *chain) {
      for (size_t i = 0; i < parts.size() && !placed; ++i) {
        if (parts[i].role == role && !assigned[i]) {
          parts[i].program = inst->program;
          parts[i].name = std::string(inst->id);
          assigned[i] = true;
          placed = true;
        }
      }
      if (placed) break;
    }
    if (!placed) {
      PartPreset p;
      p.role = inst->role;
      p.name = std::string(inst->id);
      p.program = inst->program;
      p.pattern = inst->role == Role::kPad ? "sustain" : (inst->role == Role::kHarmony ? "broken" : "arp8");
      p.range = inst->role == Role::kMelody ? std::array<int, 2>{64, 84} : std::array<int, 2>{52, 74};
      p.volume = 80;
      parts.push_back(p);
      assigned.push_back(true);
    }
    reasons.push_back("instrument: " + std::string(inst->id) + ", as asked");
  }

  std::vector<PartPreset> kept;
  for (size_t i = 0; i < parts.size(); ++i) {
    const PartPreset& p = parts[i];
    bool drop = facts.only && !assigned[i];
    for (const auto& id : facts.excluded) {
      const InstrumentEntry* inst = find_instrument(id);
      if (inst && matches_instrument(p, *inst) && !assigned[i]) drop = true;
      if (inst && matches_instrument(p, *inst) && inst->role == Role::kDrums) drop = true;
    }
    if (drop) reasons.push_back("left out: " + p.name);
    else kept.push_back(p);
  }
  // Keep at least one pitched part: music needs harmony.
  const bool pitched = std::any_of(kept.begin(), kept.end(), [](const PartPreset& p) { return p.role != Role::kDrums; });
  if (!pitched) {
    PartPreset pad;
    pad.role = Role::kPad;
    pad.name = "pad";
    pad.program = 89;
    pad.pattern = "sustain";
    pad.range = {55, 76};
    kept.push_back(pad);
    reasons.push_back("added a pad: every instrument with pitch was excluded");
  }
  // Melody and pitched parts start together in sparse arrangements: at least one part plays from the start.
  bool starts = std::any_of(kept.begin(), kept.end(), [](const PartPreset& p) { return p.min_energy <= 0.0; });
  if (!starts) kept.front().min_energy = 0;
  return kept;
}

}  // namespace

Result<MusicSpec> build_music_spec(const SpecRequest& req, const StyleCatalog& catalog) {
  if (auto ok = check_prompt_length(req.prompt); !ok) return ok.error();
  MusicSpec spec;
  spec.prompt = req.prompt;
  PromptFacts facts = parse_prompt(req.prompt, catalog);
  for (const auto& r : facts.recognised) spec.reasons.push_back("understood " + r);
  if (req.mood) {
    if (!find_mood(*req.mood)) return make_error(ErrorCode::kInvalidArgument, "Unknown mood '" + *req.mood + "'.");
    facts.mood_id = *req.mood;
    spec.reasons.push_back("mood: " + *req.mood + ", as asked");
  }
  if (req.energy) {
    if (!std::isfinite(*req.energy)) return make_error(ErrorCode::kInvalidArgument, "The energy must be a number between 0 and 1.");
    facts.energy = std::clamp(*req.energy, 0.0, 1.0);
    spec.reasons.push_back("energy: " + fmt(*facts.energy, 2) + ", as asked");
  }
  for (const auto& id : req.exclude) {
    if (!find_instrument(id)) return make_error(ErrorCode::kInvalidArgument, "Unknown instrument '" + id + "'.");
    if (std::find(facts.excluded.begin(), facts.excluded.end(), id) == facts.excluded.end()) facts.excluded.push_back(id);
    std::erase(facts.wanted, id);
  }

  const MoodEntry* mood = facts.mood_id ? find_mood(*facts.mood_id) : nullptr;
  if (!mood && req.mood_hint) {
    mood = find_mood(*req.mood_hint);
    if (mood) spec.reasons.push_back("mood: " + std::string(mood->id) + ", from " + req.hint_source);
  }
  auto style = choose_style(req, facts, mood, catalog, spec.reasons);
  if (!style) return style.error();
  const StylePreset& s = **style;
  spec.style_id = s.id;
  spec.style_name = s.name;
  if (mood) spec.mood = std::string(mood->id);

  // Duration: option > prompt > default.
  if (req.duration_s) spec.duration_s = *req.duration_s;
  else if (facts.duration_s) spec.duration_s = *facts.duration_s;
  // An hour at most, with a second of slack for a recording whose sound runs a few ms past its picture.
  if (!std::isfinite(spec.duration_s) || spec.duration_s < kMinDurationS || spec.duration_s > kMaxDurationS + 1.0) {
    return make_error(ErrorCode::kInvalidArgument, "A length of " + fmt(spec.duration_s, 1) +
                                                       " s is out of range. Choose between " + fmt(kMinDurationS) +
                                                       " s and " + fmt(kMaxDurationS / 60) + " minutes.");
  }

  // Seed: option or random (reported).
  if (req.seed) spec.seed = *req.seed;
  else spec.seed = std::random_device{}() % 1000000;
  Rng rng(spec.seed);

  // Energy and valence: prompt words > mood > style.
  spec.energy = mood ? mood->energy : s.energy;
  spec.valence = mood ? mood->valence : 0.2;
  if (facts.energy) {
    spec.energy = *facts.energy;
  } else if (req.energy_hint && std::isfinite(*req.energy_hint)) {
    spec.energy = std::clamp(*req.energy_hint, 0.0, 1.0);
    spec.reasons.push_back("energy: " + fmt(spec.energy, 2) + ", from " + req.hint_source);
  }
  if (mood && !req.style && !facts.style_id && !(req.energy_hint && std::isfinite(*req.energy_hint))) spec.energy = std::clamp((spec.energy + s.energy) / 2, 0.0, 1.0);

  // Key: option > prompt > mood/style with a seeded tonic.
  if (req.key) {
    auto key = parse_key(*req.key);
    if (!key) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Could not read the key '" + *req.key + "'. Write it like \"D minor\", \"F# major\" or \"Bbm\".");
    }
    spec.key = *key;
    spec.reasons.push_back("key: " + key_name(spec.key) + ", as asked (--key)");
  } else if (facts.key) {
    spec.key = *facts.key;
    spec.reasons.push_back("key: " + key_name(spec.key) + ", from the prompt");
  } else {
    const Mode mode = choose_mode(s, mood);
    spec.key = Key{choose_tonic(mode, rng), mode};
    spec.reasons.push_back("key: " + key_name(spec.key) + (mood ? ", a " + std::string(mode_name(mode)) + " key for the mood" : ", typical of the style"));
  }

  // Tempo: option > "N bpm" > tempo words and energy within the style's range.
  const double lo = s.tempo[0], hi = s.tempo[1];
  if (req.tempo_bpm) {
    spec.tempo_bpm = *req.tempo_bpm;
    spec.reasons.push_back("tempo: " + fmt(spec.tempo_bpm) + " BPM, as asked (--tempo)");
  } else if (facts.tempo_bpm) {
    spec.tempo_bpm = *facts.tempo_bpm;
    spec.reasons.push_back("tempo: " + fmt(spec.tempo_bpm) + " BPM, from the prompt");
  } else {
    // The energy places it in the style's range; the seed moves it by up to a quarter of the range either way, so
    // each new piece has a pulse of its own (the same seed keeps it: a refinement stays the same piece).
    Rng tempo_rng = Rng(spec.seed).fork("tempo");  // from the seed alone: pinning the key or style keeps the tempo
    double t = lo + (hi - lo) * std::clamp(spec.energy, 0.0, 1.0) + (hi - lo) * 0.5 * (tempo_rng.uniform() - 0.5);
    t = std::clamp(t, lo - (hi - lo) * 0.1, hi + (hi - lo) * 0.1);
    if (facts.tempo_word == TempoWord::kSlow) t = lo - (hi - lo) * 0.15 - 4;
    if (facts.tempo_word == TempoWord::kFast) t = hi + (hi - lo) * 0.15 + 4;
    if (facts.tempo_word == TempoWord::kModerate) t = (lo + hi) / 2;
    spec.tempo_bpm = std::round(t);
    spec.reasons.push_back("tempo: " + fmt(spec.tempo_bpm) + " BPM, in the style's range " + fmt(lo) + "-" + fmt(hi));
  }
  if (!std::isfinite(spec.tempo_bpm) || spec.tempo_bpm < kMinTempo || spec.tempo_bpm > kMaxTempo) {
    return make_error(ErrorCode::kInvalidArgument, "A tempo of " + fmt(spec.tempo_bpm) + " BPM is out of range. Choose between " +
                                                       fmt(kMinTempo) + " and " + fmt(kMaxTempo) + " BPM.");
  }

  spec.loudness_lufs = req.loudness_lufs.value_or(kDefaultLoudnessLufs);
  if (!std::isfinite(spec.loudness_lufs) || spec.loudness_lufs < -40 || spec.loudness_lufs > -6) {
    return make_error(ErrorCode::kInvalidArgument, "A loudness target of " + fmt(spec.loudness_lufs, 1) +
                                                       " LUFS is out of range. Choose between -40 and -6 LUFS (streaming platforms use -14).");
  }
  spec.loop = req.loop || facts.loop;
  spec.music_volume = facts.music_volume;
  spec.excluded = facts.excluded;
  spec.parts = orchestrate(s, facts, spec.reasons);
  return spec;
}

}  // namespace bgm
