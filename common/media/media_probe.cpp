#include "media/media_probe.h"

#include <unistd.h>

#include <array>
#include <cmath>
#include <fstream>

#include "core/atomic_file.h"
#include "media/ffmpeg_handles.h"
#include "media/media_input.h"
#include "media/video_input.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

constexpr std::array<const char*, 5> kVideoExt{"mp4", "mov", "avi", "webm", "mkv"};
constexpr std::array<const char*, 5> kImageExt{"jpg", "jpeg", "png", "gif", "webp"};
constexpr std::array<const char*, 4> kAudioExt{"mp3", "wav", "m4a", "aac"};

template <size_t N>
bool listed(const std::array<const char*, N>& list, const std::string& ext) {
  for (const char* e : list)
    if (ext == e) return true;
  return false;
}

double start_of(const AVStream* st) {
  if (st->start_time == AV_NOPTS_VALUE) return 0.0;
  const double s = static_cast<double>(st->start_time) * av_q2d(st->time_base);
  return std::isfinite(s) ? s : 0.0;
}

}  // namespace

std::string_view media_kind_name(MediaKind kind) {
  switch (kind) {
    case MediaKind::kVideo: return "video";
    case MediaKind::kImage: return "image";
    case MediaKind::kAudio: return "audio";
  }
  return "video";
}

std::string supported_input_extensions() {
  std::string out;
  for (const char* e : kVideoExt) out += (out.empty() ? "" : ", ") + std::string(e);
  for (const char* e : kImageExt) out += ", " + std::string(e);
  for (const char* e : kAudioExt) out += ", " + std::string(e);
  return out;
}

bool is_supported_input_extension(const std::string& ext) {
  return listed(kVideoExt, ext) || listed(kImageExt, ext) || listed(kAudioExt, ext);
}

namespace {

// An MP4/MOV file that starts like one (an 'ftyp' box) but that FFmpeg cannot open: its index (the 'moov' box,
// written when recording stops) is missing.
bool is_unfinished_mp4(const fs::path& path) {
  const std::string ext = lower_extension(path);
  if (ext != "mp4" && ext != "mov" && ext != "m4a") return false;
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::string(head + 4, 4) == "ftyp";
}

}  // namespace

Result<MediaInfo> probe_media(const fs::path& path, const CancelToken* cancel) { return probe_media_as(path, lower_extension(path), cancel); }

Result<MediaInfo> probe_media_as(const fs::path& path, const std::string& ext, const CancelToken* cancel) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error(ErrorCode::kNotFound, "No such file: " + path.string() + ". Check the path.");
  if (fs::is_directory(path, ec)) {
    return make_error(ErrorCode::kNotFound, path.string() + " is a folder. Choose a video, image or audio file.");
  }
  if (!ff::is_regular(path)) return ff::not_a_regular_file(path);
  if (access(path.c_str(), R_OK) != 0) {
    return make_error(ErrorCode::kNotFound, "Cannot read " + path.string() + " (permission denied). Check the file's permissions.");
  }
  MediaKind kind;
  if (listed(kVideoExt, ext)) kind = MediaKind::kVideo;
  else if (listed(kImageExt, ext)) kind = MediaKind::kImage;
  else if (listed(kAudioExt, ext)) kind = MediaKind::kAudio;
  else {
    return make_error(ErrorCode::kUnsupported, "'." + ext + "' files are not supported. Use one of: " + supported_input_extensions() + ".");
  }
  MediaInfo info;
  info.path = path;
  info.kind = kind;
  info.size_bytes = fs::file_size(path, ec);
  if (info.size_bytes == 0) {
    return make_error(ErrorCode::kMedia, path.string() + " is empty (0 bytes): the recording may not have been written. "
                                                         "Choose another file.");
  }

  int err = 0;
  auto opened = ff::open_input(path, cancel, &err);
  if (!opened && err == 0) return opened.error();  // not a regular file, or cancelled
  if (err < 0 && is_unfinished_mp4(path)) {
    return make_error(ErrorCode::kMedia, path.string() + " was cut off before it was finished: an MP4 keeps its index at the end, and this one has "
                                             "none, so no player can read it. Record in MKV (OBS: Settings > Output > Recording Format) so an "
                                             "interrupted recording stays readable; OBS can remux it to MP4 afterwards.");
  }
  if (err < 0) {
    return make_error(ErrorCode::kMedia, path.string() + " is not a " + std::string(media_kind_name(kind)) +
                                             " file FFmpeg can read (" + ff::error_text(err) +
                                             "). It may be damaged or misnamed; try opening it in a player.");
  }
  ff::InputPtr in = std::move(opened).value();
  if ((err = ff::find_stream_info(in.get())) < 0) {
    return make_error(ErrorCode::kMedia, "Could not read the streams of " + path.string() + " (" + ff::error_text(err) +
                                             "). It may be damaged.");
  }
  info.container = in->iformat ? in->iformat->name : "";
  const int v = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const int a = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (v >= 0) {
    const AVStream* st = in->streams[v];
    const AVCodecDescriptor* d = avcodec_descriptor_get(st->codecpar->codec_id);
    info.video = VideoStreamInfo{d ? d->name : "unknown", st->codecpar->width, st->codecpar->height, ff::stream_fps(st), start_of(st)};
  }
  if (a >= 0) {
    const AVStream* st = in->streams[a];
    const AVCodecDescriptor* d = avcodec_descriptor_get(st->codecpar->codec_id);
    info.audio = AudioStreamInfo{d ? d->name : "unknown", st->codecpar->sample_rate, st->codecpar->ch_layout.nb_channels, start_of(st)};
  }
  if (!info.video && !info.audio) {
    return make_error(ErrorCode::kMedia, path.string() + " has no video or audio stream, so there is nothing to score.");
  }
  // A picture's demuxer reads one image ("png_pipe", "image2", "gif"); a movie's never is one.
  const bool picture_container = info.container == "image2" || info.container == "gif" || info.container == "apng" ||
                                 (info.container.size() > 5 && info.container.compare(info.container.size() - 5, 5, "_pipe") == 0);
  if (kind == MediaKind::kImage && (!info.video || !picture_container)) {
    return make_error(ErrorCode::kMedia, path.string() + " is named ." + ext + " but does not contain a picture (FFmpeg reads it as " +
                                             info.container + "). Rename it to what it is, or export a picture.");
  }
  if (kind != MediaKind::kImage && picture_container) {
    return make_error(ErrorCode::kMedia, path.string() + " is named ." + ext + " but holds a picture (" + info.container +
                                             "). Rename it to what it is.");
  }
  if (kind == MediaKind::kVideo && !info.video) kind = info.kind = MediaKind::kAudio;  // a sound-only .mp4/.webm
  if (kind == MediaKind::kAudio && !info.audio) {
    return make_error(ErrorCode::kMedia, path.string() + " has no audio stream.");
  }
  if (kind != MediaKind::kImage) {
    if (in->duration > 0 && in->duration != AV_NOPTS_VALUE) info.duration_s = static_cast<double>(in->duration) / AV_TIME_BASE;
    for (unsigned i = 0; i < in->nb_streams && info.duration_s <= 0; ++i) {
      const AVStream* st = in->streams[i];
      if (st->duration > 0) info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
    }
  }
  if (!std::isfinite(info.duration_s) || info.duration_s < 0) info.duration_s = 0;
  return info;
}

}  // namespace bgm
