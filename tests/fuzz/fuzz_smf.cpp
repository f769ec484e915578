// Standard MIDI File decoding of any bytes: an error or events, never a read past the data (ASan watches).
#include <cstdint>
#include <vector>

#include "fuzz_check.h"
#include "midi/smf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = bgm::decode_smf(std::vector<uint8_t>(data, data + size));
  if (file) FUZZ_CHECK(file->tracks.size() <= size);
  return 0;
}
