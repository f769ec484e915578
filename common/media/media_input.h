#pragma once
// Opening a media file for reading, the one way every reader does it: a regular file only (a pipe or a device
// would block or never end), named to FFmpeg as "file:<path>" (a ':' in a name is part of the name, never a
// protocol such as "concat:" or "http:"), with blocking reads that give up as soon as `cancel` is set.
// Thread: the returned context belongs to the calling thread; `cancel` must outlive it.

#include <filesystem>
#include <string>

#include "core/cancel.h"
#include "core/result.h"
#include "media/ffmpeg_handles.h"

namespace bgm::ff {

// "file:<path>", for every path handed to FFmpeg (inputs and outputs).
std::string file_url(const std::filesystem::path& path);

// Whether `path` names a regular file (following symlinks). Never blocks, whatever the file is.
bool is_regular(const std::filesystem::path& path);
// "<path> is not a regular file (...). Choose a recording file." (kNotFound)
Error not_a_regular_file(const std::filesystem::path& path);

// The opened demuxer, or the FFmpeg error code (negative) when FFmpeg could not open it.
// Errors: kNotFound (not a regular file); otherwise `ffmpeg_error` is set and the result is empty.
Result<InputPtr> open_input(const std::filesystem::path& path, const CancelToken* cancel, int* ffmpeg_error = nullptr);

// avformat_find_stream_info with one decoder thread per stream: what it decodes to learn the streams is a few
// pictures, and frame threads would each hold their own (tens of MB at 1080p, kept by the allocator afterwards).
// Returns FFmpeg's result (negative: an error).
int find_stream_info(AVFormatContext* input);

}  // namespace bgm::ff
