#include "spec/style_catalog.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/json_read.h"
#include "core/text.h"

extern const char* const kBuiltinStylesJson;

namespace bgm {
namespace {

using nlohmann::json;

Role parse_role(const std::string& name) {
  if (name == "drums") return Role::kDrums;
  if (name == "bass") return Role::kBass;
  if (name == "harmony") return Role::kHarmony;
  if (name == "pad") return Role::kPad;
  if (name == "melody") return Role::kMelody;
  if (name == "counter") return Role::kCounter;
  throw std::runtime_error("unknown role '" + name + "'");
}

std::array<int, 2> parse_pair(const json& j) {
  if (!j.is_array() || j.size() != 2) throw std::runtime_error("expected a [low, high] pair");
  std::array<int, 2> out{j[0].get<int>(), j[1].get<int>()};
  if (out[0] > out[1]) throw std::runtime_error("range low above high");
  return out;
}

std::vector<std::vector<int>> parse_progressions(const json& j) {
  std::vector<std::vector<int>> out;
  for (const auto& p : j) {
    std::vector<int> prog = p.get<std::vector<int>>();
    if (prog.empty()) throw std::runtime_error("empty progression");
    for (int d : prog)
      if (d < 0 || d > 6) throw std::runtime_error("progression degree out of 0..6");
    out.push_back(std::move(prog));
  }
  return out;
}

PartPreset parse_part(const json& j) {
  PartPreset p;
  p.role = parse_role(j.at("role").get<std::string>());
  p.name = j.value("name", std::string(role_name(p.role)));
  p.program = j.at("program").get<int>();
  if (p.program < 0 || p.program > 127) throw std::runtime_error("program out of 0..127");
  p.bank = j.value("bank", p.role == Role::kDrums ? 128 : 0);
  p.pattern = j.value("pattern", std::string());
  p.volume = j.value("volume", 100);
  p.reverb_send = j.value("reverb", 50);
  p.chorus_send = j.value("chorus", 0);
  p.pan = j.value("pan", -1);
  if (p.pan < -1 || p.pan > 127) throw std::runtime_error("pan out of 0..127");
  p.low_cut_hz = j.value("low_cut", -1.0);
  p.doubled = j.value("double", false);
  p.double_program = j.value("double_program", -1);
  if (p.double_program < -1 || p.double_program > 127) throw std::runtime_error("double_program out of 0..127");
  if (p.low_cut_hz > 500) throw std::runtime_error("low_cut above 500 Hz");
  p.width = j.value("width", -1.0);
  if (p.width != -1.0 && (p.width < 0 || p.width > 1)) throw std::runtime_error("width out of 0..1");
  if (j.contains("range")) p.range = parse_pair(j["range"]);
  p.min_energy = j.value("min_energy", 0.0);
  return p;
}

StylePreset parse_style(const json& j) {
  StylePreset s;
  s.id = j.at("id").get<std::string>();
  s.name = j.at("name").get<std::string>();
  s.name_zh = j.value("name_zh", s.name);
  s.aliases = j.value("aliases", std::vector<std::string>{});
  s.tempo = parse_pair(j.at("tempo"));
  for (const auto& m : j.at("modes")) {
    auto mode = mode_from_name(m.get<std::string>());
    if (!mode) throw std::runtime_error("unknown mode " + m.dump());
    s.modes.push_back(*mode);
  }
  if (s.modes.empty()) throw std::runtime_error("no modes");
  s.swing = j.value("swing", 0.5);
  s.swing_unit = j.value("swing_unit", 8);
  if (s.swing_unit != 8 && s.swing_unit != 16) throw std::runtime_error("swing_unit must be 8 or 16");
  s.sevenths = j.value("sevenths", false);
  s.add9 = j.value("add9", false);
  s.chord_bars = std::max(1, j.value("chord_bars", 1));
  s.humanize_ms = j.value("humanize_ms", 0.0);
  s.humanize_velocity = j.value("humanize_velocity", 0);
  s.build = j.value("build", false);
  s.drum_comping = j.value("drum_comping", false);
  s.pedal = j.value("pedal", false);
  s.swells = j.value("swells", false);
  s.chromatic_approach = j.value("chromatic_approach", false);
  s.ending = j.value("ending", std::string("block"));
  static const char* const kEndings[] = {"block", "rolled", "strum", "fade", "big", "stop", "jazz", "arpeggio"};
  if (std::find(std::begin(kEndings), std::end(kEndings), s.ending) == std::end(kEndings)) throw std::runtime_error("unknown ending " + s.ending);
  s.ritardando = j.value("ritardando", 0.88);
  if (!(s.ritardando > 0.5 && s.ritardando <= 1.0)) throw std::runtime_error("ritardando must be in (0.5, 1]");
  s.energy = j.value("energy", 0.5);
  if (j.contains("reverb")) {
    s.reverb_room = j["reverb"].value("room", 0.5);
    s.reverb_level = j["reverb"].value("level", 0.6);
  }
  s.chorus_level = j.value("chorus_level", 0.5);
  s.progressions_major = parse_progressions(j.at("progressions_major"));
  s.progressions_minor = parse_progressions(j.at("progressions_minor"));
  if (j.contains("melody")) {
    const auto& m = j["melody"];
    s.melody.density = m.value("density", 0.5);
    if (m.contains("range")) s.melody.range = parse_pair(m["range"]);
    s.melody.rests = m.value("rests", 0.25);
  }
  const json groove = j.value("groove", json::object());
  for (const auto& [drum, pattern] : groove.items()) {
    if (drum_note(drum) < 0) throw std::runtime_error("unknown drum '" + drum + "'");
    const std::string steps = pattern.get<std::string>();
    if (steps.size() != 16) throw std::runtime_error("groove '" + drum + "' must have 16 steps");
    s.groove[drum] = steps;
  }
  for (const auto& p : j.at("parts")) s.parts.push_back(parse_part(p));
  if (s.parts.empty()) throw std::runtime_error("no parts");
  return s;
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kDrums: return "drums";
    case Role::kBass: return "bass";
    case Role::kHarmony: return "harmony";
    case Role::kPad: return "pad";
    case Role::kMelody: return "melody";
    case Role::kCounter: return "counter";
  }
  return "pad";
}

bool StylePreset::has_role(Role role) const {
  return std::any_of(parts.begin(), parts.end(), [role](const PartPreset& p) { return p.role == role; });
}

Result<StyleCatalog> StyleCatalog::parse(std::string_view json_text) {
  StyleCatalog catalog;
  try {
    auto parsed = read_json(json_text, "The style catalog");
    if (!parsed) return parsed.error();
    const json root = std::move(parsed).value();
    for (const auto& j : root.at("styles")) {
      try {
        catalog.styles_.push_back(parse_style(j));
      } catch (const std::exception& e) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Style preset '" + j.value("id", std::string("?")) + "' is invalid: " + e.what());
      }
    }
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, std::string("The style presets could not be read: ") + e.what());
  }
  if (catalog.styles_.empty()) return make_error(ErrorCode::kInvalidArgument, "The style presets list no style.");
  return catalog;
}

const StyleCatalog& StyleCatalog::builtin() {
  static const StyleCatalog catalog = [] {
    auto parsed = parse(kBuiltinStylesJson);
    if (!parsed) throw std::logic_error(parsed.error().message);  // a build defect; tests catch it
    return std::move(parsed).value();
  }();
  return catalog;
}

const StylePreset* StyleCatalog::find(std::string_view name) const {
  const std::string key = ascii_lower(name);
  for (const auto& s : styles_) {
    if (ascii_lower(s.id) == key || ascii_lower(s.name) == key || s.name_zh == name) return &s;
    for (const auto& a : s.aliases)
      if (ascii_lower(a) == key) return &s;
  }
  return nullptr;
}

std::string StyleCatalog::id_list() const {
  std::string out;
  for (const auto& s : styles_) {
    if (!out.empty()) out += ", ";
    out += s.id;
  }
  return out;
}

int drum_note(std::string_view name) {
  static const std::pair<std::string_view, int> kDrums[] = {
      {"kick", 36},    {"rim", 37},       {"snare", 38},    {"clap", 39},      {"hat", 42},
      {"pedal", 44},   {"open", 46},      {"crash", 49},    {"ride", 51},      {"tamb", 54},
      {"shaker", 70},  {"tom_low", 45},   {"tom_mid", 47},  {"tom_high", 50},  {"cowbell", 56},
  };
  for (const auto& [n, note] : kDrums)
    if (n == name) return note;
  return -1;
}

}  // namespace bgm
