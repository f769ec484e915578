#pragma once
// What an input file is: video, still image or audio, with its streams and length. Every way a file can be
// unusable (missing, unreadable, empty, not media, no streams, an unsupported type) is a clear error here, before
// any work starts.
// Thread: any thread; no shared state.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

enum class MediaKind { kVideo, kImage, kAudio };
std::string_view media_kind_name(MediaKind kind);

struct VideoStreamInfo {
  std::string codec;
  int width = 0;
  int height = 0;
  double fps = 0;
  double start_s = 0;  // when the stream starts on the file's clock (0 for most recordings)
};

struct AudioStreamInfo {
  std::string codec;
  int sample_rate = 0;
  int channels = 0;
  double start_s = 0;
};

struct MediaInfo {
  std::filesystem::path path;
  std::string container;  // FFmpeg's demuxer name
  MediaKind kind = MediaKind::kVideo;
  double duration_s = 0;  // 0 for still images
  uint64_t size_bytes = 0;
  std::optional<VideoStreamInfo> video;
  std::optional<AudioStreamInfo> audio;
};

// "mp4, mov, avi, webm, mkv, jpg, jpeg, png, gif, webp, mp3, wav, m4a, aac"
std::string supported_input_extensions();
// Whether `ext` (lower case, no dot: "mp4") is one of those.
bool is_supported_input_extension(const std::string& ext);

// Errors: kNotFound (missing, a folder, unreadable), kUnsupported (extension), kMedia (empty, not decodable,
// no video or audio stream). Messages say what is wrong and what to do.
// Only regular files are opened; reads stop when `cancel` is set (kCancelled).
Result<MediaInfo> probe_media(const std::filesystem::path& path, const CancelToken* cancel = nullptr);
// The same for a file whose name does not say its type (a download's part file): `ext` stands for the extension.
// The content must be what the extension says: a picture's container is a picture's, a video's is not a picture.
Result<MediaInfo> probe_media_as(const std::filesystem::path& path, const std::string& ext, const CancelToken* cancel = nullptr);

}  // namespace bgm
