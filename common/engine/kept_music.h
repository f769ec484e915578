#pragma once
// Music made for a recording, kept as a lossless file beside the session's media with a key naming everything that
// decides its samples: the notes (every part's presets, levels, sends, notes and controllers; the tempo map; the
// effects), the SoundFont file, the rate, the length, the mastering. A later score of the same recording whose
// composition comes out with the same key mixes the kept music again instead of synthesising it (a refinement of
// the level, the ducking or the title; the export after a chat turn).
// Thread: any thread; a file is written under a temporary name and renamed.

#include <filesystem>
#include <string>

#include "audio/audio_store.h"
#include "compose/score.h"
#include "core/cancel.h"
#include "core/result.h"
#include "engine/music_render.h"
#include "spec/music_spec.h"

namespace bgm {

// Music made earlier, and the key it was made under.
struct KeptMusic {
  std::filesystem::path file;
  std::string key;
};

// The SoundFont a render with these options plays (the configured one, else the default), or empty.
std::filesystem::path soundfont_for(const SynthOptions& synth);

// A digest (hex) of what decides the audio render_music makes of `score`: equal keys, equal samples.
std::string music_key(const Score& score, const MusicSpec& spec, const MusicRenderOptions& options);

// Writes the music (24-bit WAV). Errors: kIo, kCancelled.
Status keep_music(const AudioFrames& music, const std::filesystem::path& file, const CancelToken* cancel);

// Reads kept music into a store in `work_dir`; it must be `frames` long. Errors: kMedia or kIo when the file is
// missing, damaged or of another length (the caller then makes the music again), kCancelled.
Result<AudioStore> read_kept_music(const std::filesystem::path& file, size_t frames, const std::filesystem::path& work_dir,
                                   const CancelToken* cancel);

}  // namespace bgm
