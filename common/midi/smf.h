#pragma once
// Standard MIDI Files (format 1, 480 ticks per quarter): written from a score, read back for checks.
// Thread: pure functions (write_midi_file does file I/O on the calling thread); any thread.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "compose/score.h"
#include "core/result.h"

namespace bgm {

// Track 0: tempo, 4/4, key signature and a marker per section. Then one track per part, on its channel
// (drums on channel 10), with program, volume, pan, reverb and chorus sends, and the notes as performed.
std::vector<uint8_t> encode_smf(const Score& score);
Status write_midi_file(const Score& score, const std::filesystem::path& path);

struct SmfEvent {
  int64_t tick = 0;
  uint8_t status = 0;  // 0x80..0xEF channel messages; 0xFF meta
  uint8_t meta_type = 0;
  std::vector<uint8_t> data;
  int channel() const { return status & 0x0F; }
  int type() const { return status & 0xF0; }
};

struct SmfFile {
  int format = 1;
  int division = 480;
  std::vector<std::vector<SmfEvent>> tracks;
};

Result<SmfFile> decode_smf(const std::vector<uint8_t>& bytes);

}  // namespace bgm
