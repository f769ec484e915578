#include "spec/spec_format.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace bgm {

std::string describe_spec(const MusicSpec& spec) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << "Style: " << spec.style_name;
  if (!spec.mood.empty()) out << " | Mood: " << spec.mood;
  out.precision(0);
  out << " | " << spec.tempo_bpm << " BPM | " << key_name(spec.key);
  out.precision(2);
  out << " | " << spec.duration_s << " s" << (spec.loop ? " (seamless loop)" : "") << "\n";
  out << "Energy: " << spec.energy << " | Loudness target: ";
  out.precision(1);
  out << spec.loudness_lufs << " LUFS | Seed: " << spec.seed;
  if (spec.music_volume) {
    out.precision(0);
    out << " | Music volume under video: " << *spec.music_volume * 100 << "%";
  }
  out << "\nParts:";
  for (const auto& p : spec.parts) {
    out << " " << p.name << (p.role == Role::kDrums ? " (drum kit " : " (program ") << p.program << ")";
    if (&p != &spec.parts.back()) out << ",";
  }
  out << "\n";
  for (const auto& r : spec.reasons) out << "  - " << r << "\n";
  return out.str();
}

nlohmann::json spec_to_json(const MusicSpec& spec) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : spec.parts) {
    parts.push_back({{"name", p.name},
                     {"role", std::string(role_name(p.role))},
                     {"program", p.program},
                     {"bank", p.bank},
                     {"pattern", p.pattern},
                     {"min_energy", p.min_energy}});
  }
  nlohmann::json j = {
      {"prompt", spec.prompt},
      {"style", spec.style_id},
      {"style_name", spec.style_name},
      {"mood", spec.mood.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.mood)},
      {"valence", spec.valence},
      {"energy", spec.energy},
      {"tempo_bpm", spec.tempo_bpm},
      {"key", {{"tonic", pitch_class_name(spec.key.tonic, false)}, {"mode", std::string(mode_name(spec.key.mode))}, {"name", key_name(spec.key)}}},
      {"duration_s", spec.duration_s},
      {"loop", spec.loop},
      {"seed", spec.seed},
      {"loudness_lufs", spec.loudness_lufs},
      {"music_volume", spec.music_volume ? nlohmann::json(*spec.music_volume) : nlohmann::json(nullptr)},
      {"parts", parts},
      {"excluded", spec.excluded},
      {"reasons", spec.reasons},
  };
  return j;
}

}  // namespace bgm
