#pragma once
// Writing audio files with FFmpeg: WAV (24-bit PCM), FLAC (24-bit), MP3 (LAME, 192 kb/s), M4A and AAC
// (FFmpeg's AAC, 256 kb/s), chosen by the file's extension. Files are written to a temporary name and renamed
// when complete; lengths are sample-exact where the container records them (WAV, FLAC, M4A edit lists, MP3
// LAME headers).
// Thread: one writer per thread.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "audio/audio_frames.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"

namespace bgm {

// "wav, flac, mp3, m4a, aac"
std::string supported_audio_extensions();
bool is_supported_audio_extension(const std::string& ext);
// mp3, m4a, aac, and the video containers (their audio is AAC or Opus).
bool is_lossy_extension(const std::string& ext);

struct AudioWriteOptions {
  int bitrate = 0;                             // lossy formats; 0: the format's own (MP3 192 kb/s, AAC 256 kb/s)
  std::map<std::string, std::string> metadata; // "title", "comment", ...
  bool keep_existing = false;                  // a file already at `path` stays; the result takes the next free name
  int threads = 1;                             // AAC encoders at once, when the audio can be read from several threads
};

// Writes `audio` to `path`. Errors: kUnsupported (extension), kIo (cannot write: the message says why),
// kMedia (encoder failure), kCancelled. No partial file is left on failure. Returns the path written.
Result<std::filesystem::path> write_audio_file(const AudioFrames& audio, const std::filesystem::path& path, const AudioWriteOptions& options,
                        const CancelToken* cancel = nullptr, const ProgressFn& progress = {});

}  // namespace bgm
