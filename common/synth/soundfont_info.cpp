#include "synth/soundfont_info.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <vector>

#include "core/text.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

constexpr uint32_t kMaxInfoBytes = 64 * 1024;

uint32_t le32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }

// A zero-terminated, printable field.
std::string field(const unsigned char* p, uint32_t size) {
  std::string s(reinterpret_cast<const char*>(p), size);
  s = s.substr(0, s.find('\0'));
  std::replace_if(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Licences of the General MIDI SoundFonts Debian ships, by file name (their packages' copyright files), then by
// what the SoundFont's own comment or copyright says.
std::string licence_of(const fs::path& path, const std::string& text) {
  static const std::array<std::pair<const char*, const char*>, 4> kKnown = {{
      {"FluidR3_GM", "MIT"},
      {"MuseScore_General", "MIT"},
      {"TimGM6mb", "GPL-2.0-or-later"},
      {"GeneralUser", "GeneralUser GS licence (free to use in music)"},
  }};
  const std::string file = path.filename().string();
  for (const auto& [name, licence] : kKnown)
    if (file.find(name) != std::string::npos) return licence;
  const std::string lower = ascii_lower(text);
  if (lower.find("mit license") != std::string::npos || lower.find("mit licence") != std::string::npos) return "MIT";
  if (lower.find("cc0") != std::string::npos || lower.find("public domain") != std::string::npos) return "public domain (CC0)";
  if (lower.find("gpl") != std::string::npos) return "GPL";
  return "unknown (see the SoundFont's own terms)";
}

}  // namespace

SoundFontInfo read_soundfont_info(const fs::path& path) {
  SoundFontInfo info;
  info.path = path;
  info.name = path.stem().string();
  std::ifstream f(path, std::ios::binary);
  std::array<unsigned char, 20> head{};
  f.read(reinterpret_cast<char*>(head.data()), head.size());
  const bool riff = f.gcount() == 20 && std::equal(head.begin(), head.begin() + 4, "RIFF") && std::equal(head.begin() + 8, head.begin() + 12, "sfbk") &&
                    std::equal(head.begin() + 12, head.begin() + 16, "LIST");
  if (riff) {
    const uint32_t size = std::min(le32(head.data() + 16), kMaxInfoBytes);
    std::vector<unsigned char> list(size);
    f.read(reinterpret_cast<char*>(list.data()), size);
    list.resize(static_cast<size_t>(std::max<std::streamsize>(f.gcount(), 0)));
    if (list.size() >= 4 && std::equal(list.begin(), list.begin() + 4, "INFO")) {
      for (size_t pos = 4; pos + 8 <= list.size();) {
        const std::string id(reinterpret_cast<const char*>(&list[pos]), 4);
        const uint32_t len = le32(&list[pos + 4]);
        if (len > list.size() - pos - 8) break;
        const unsigned char* data = &list[pos + 8];
        if (id == "INAM" && len > 0) info.name = field(data, len);
        if (id == "ICOP") info.copyright = field(data, len);
        if (id == "ICMT") info.comment = field(data, len);
        if (id == "ifil" && len >= 2) info.format = data[0] >= 3 ? "SF3" : "SF2";
        pos += 8 + len + (len & 1);
      }
    }
  }
  if (info.name.empty()) info.name = path.stem().string();
  if (info.format.empty()) info.format = path.extension() == ".sf3" ? "SF3" : "SF2";
  info.licence = licence_of(path, info.comment + " " + info.copyright);
  return info;
}

std::string music_licence_note(const SoundFontInfo& info) {
  const bool known = info.licence.rfind("unknown", 0) != 0;
  return "Music composed by obs-bgm, free to use. Instruments: " + info.name + " SoundFont (" +
         (known ? info.licence + " licence" : "licence unknown: see the SoundFont's own terms") + ").";
}

}  // namespace bgm
