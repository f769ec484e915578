#include "media/video_input.h"

namespace bgm::ff {

Result<VideoInput> open_video_input(const std::filesystem::path& path) {
  AVFormatContext* raw = nullptr;
  const int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) return make_error(ErrorCode::kMedia, "Could not open " + path.string() + ": " + error_text(err));
  VideoInput in;
  in.format.reset(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0) return make_error(ErrorCode::kMedia, "Could not read the streams of " + path.string() + ".");
  in.index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &in.decoder, 0);
  if (in.index < 0 || !in.decoder) return make_error(ErrorCode::kMedia, path.string() + " has no video stream FFmpeg can decode.");
  in.stream = raw->streams[in.index];
  return in;
}

}  // namespace bgm::ff
