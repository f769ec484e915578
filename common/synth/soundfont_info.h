#pragma once
// What a SoundFont says about itself (the INFO list at the head of its RIFF file: name, copyright, comment, version)
// and the licence it is distributed under, so every render can state what it is made from and a creator can answer
// a copyright claim.
// Thread: pure functions (read_soundfont_info reads the file on the calling thread); any thread.

#include <filesystem>
#include <string>

namespace bgm {

struct SoundFontInfo {
  std::filesystem::path path;
  std::string name;       // INAM, else the file's name
  std::string copyright;  // ICOP (may be empty)
  std::string comment;    // ICMT (may be empty)
  std::string format;     // "SF2" or "SF3" (compressed samples), from ifil
  std::string licence;    // "MIT", "GPL-2.0-or-later", ... or "unknown (see the SoundFont's own terms)"
};

// Reads at most the INFO list (64 KB). A file that is not a SoundFont, or has no INFO, gives the file's name and
// an unknown licence; never an error.
SoundFontInfo read_soundfont_info(const std::filesystem::path& path);

// "Music composed by obs-bgm, free to use. Instruments: Fluid R3 GM SoundFont (MIT licence)."
std::string music_licence_note(const SoundFontInfo& info);

}  // namespace bgm
