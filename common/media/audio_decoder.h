#pragma once
// Reading the audio of any file FFmpeg can open, as planar stereo float at a chosen rate.
// Thread: any thread; no shared state.

#include <cstdint>
#include <filesystem>
#include <functional>

#include "audio/audio_buffer.h"
#include "audio/audio_store.h"
#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

// Receives the decoded audio in order, chunk by chunk; an error it returns stops the decoding.
using DecodedAudioSink = std::function<Status(const float* left, const float* right, size_t count)>;

// Decodes the first audio stream of `path` a packet at a time (memory does not grow with the length).
// `offset_s` is when the sound starts on the output's clock (the audio stream's start minus the picture's): a
// sound that starts later gets silence before it, one that starts earlier loses what comes before the picture, so
// picture and sound start together. Errors: kNotFound, kMedia (as below; also an offset over an hour: broken
// timestamps), kCancelled, or the sink's own.
Status decode_audio(const std::filesystem::path& path, int sample_rate, const DecodedAudioSink& sink,
                    const CancelToken* cancel = nullptr, double offset_s = 0);

// Decodes the first audio stream of `path` (as decode_audio, from `offset_s`) into a new store in `dir`, so memory
// stays flat however long it is. More than `most` frames ends it with the error `too_long`. Stops on `cancel`, and on
// `stop` too when given (a helper thread's own token). Errors: those of decode_audio and of the store, `too_long`.
Result<AudioStore> decode_audio_to_store(const std::filesystem::path& path, const std::filesystem::path& dir, double offset_s,
                                         const CancelToken* cancel, size_t most = SIZE_MAX,
                                         const Error& too_long = Error{ErrorCode::kMedia, "The sound is longer than it may be."},
                                         const CancelToken* stop = nullptr);

// The whole audio in memory: for short files.
// Errors: kNotFound (no such file), kMedia (not decodable / no audio stream; the message says which).
Result<AudioBuffer> read_audio_file(const std::filesystem::path& path, int sample_rate = kSampleRate);

}  // namespace bgm
