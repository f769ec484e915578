#pragma once
// Reading the audio of any file FFmpeg can open, as planar stereo float at a chosen rate.
// Thread: any thread; no shared state.

#include <filesystem>

#include "audio/audio_buffer.h"
#include "core/result.h"

namespace bgm {

// Errors: kNotFound (no such file), kMedia (not decodable / no audio stream; the message says which).
Result<AudioBuffer> read_audio_file(const std::filesystem::path& path, int sample_rate = kSampleRate);

}  // namespace bgm
