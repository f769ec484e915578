#include "media/video_input.h"

#include "media/media_input.h"

namespace bgm::ff {

Result<VideoInput> open_video_input(const std::filesystem::path& path, const CancelToken* cancel) {
  auto opened = open_input(path, cancel);
  if (!opened) return opened.error();
  VideoInput in;
  in.format = std::move(opened).value();
  AVFormatContext* raw = in.format.get();
  if (avformat_find_stream_info(raw, nullptr) < 0) return make_error(ErrorCode::kMedia, "Could not read the streams of " + path.string() + ".");
  in.index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &in.decoder, 0);
  if (in.index < 0 || !in.decoder) return make_error(ErrorCode::kMedia, path.string() + " has no video stream FFmpeg can decode.");
  in.stream = raw->streams[in.index];
  return in;
}

}  // namespace bgm::ff
