#pragma once
// Writes a video file whose video stream is copied packet for packet from a source (never re-encoded), with new
// audio tracks encoded from buffers (AAC in MP4/MOV/MKV, Opus in WebM). Written to a temporary name and renamed.
// Thread: a worker thread; cancel from any thread.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "audio/audio_frames.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "core/result.h"

namespace bgm {

struct MuxAudioTrack {
  const AudioFrames* audio = nullptr;  // read in chunks as the video advances
  std::string title;  // shown by editors and players ("Mix", "Music", "Original audio")
};

// "mp4, mov, mkv, webm"
std::string supported_video_output_extensions();
bool is_supported_video_output_extension(const std::string& ext);
// Whether a file of this extension can hold a video stream of this codec (FFmpeg's codec name) as it is.
bool container_holds_codec(const std::string& ext, const std::string& codec_name);

struct MuxOptions {
  bool keep_existing = false;  // a file at the output stays: the result takes the next free name ("name-2.mp4")
  std::map<std::string, std::string> metadata;  // container tags ("comment": what the music is made of, its licence)
  int audio_bit_rate = 0;      // bits per second for the lossy audio; 0: the container's default
  bool faststart = false;      // MP4/MOV: the index at the front, so a platform can start before the upload ends
  int audio_threads = 1;       // AAC encoders at once for a track whose audio can be read from several threads
};

// Errors: kUnsupported (the container cannot hold the source's video codec: the message names both), kMedia,
// kIo (the message says why: full disk, permissions), kCancelled.
// The picture starts at 0 (the source's start time is taken off), as the audio tracks do. Returns the path
// written: `output`, or (options.keep_existing) the next free name.
Result<std::filesystem::path> mux_copied_video(const std::filesystem::path& video_source, const std::filesystem::path& output,
                                               const std::vector<MuxAudioTrack>& tracks, double duration_s, const CancelToken* cancel,
                                               const ProgressFn& progress, const MuxOptions& options = {});

}  // namespace bgm
