#include "media/ff_output.h"

namespace bgm::ff {

Error write_failure(const std::filesystem::path& path, int err) {
  std::string msg = "Could not write " + path.string() + ": " + error_text(err) + ".";
  if (err == AVERROR(ENOSPC)) msg += " The disk is full: free some space or choose another folder.";
  else if (err == AVERROR(EACCES) || err == AVERROR(EROFS)) msg += " Choose a folder you can write to.";
  return make_error(ErrorCode::kIo, msg);
}

Status drain_encoder(AVCodecContext* encoder, AVFormatContext* out, AVStream* stream, AVPacket* packet,
                     const std::filesystem::path& path) {
  int err = 0;
  while ((err = avcodec_receive_packet(encoder, packet)) >= 0) {
    av_packet_rescale_ts(packet, encoder->time_base, stream->time_base);
    packet->stream_index = stream->index;
    if ((err = av_interleaved_write_frame(out, packet)) < 0) return write_failure(path, err);
  }
  if (err != AVERROR(EAGAIN) && err != AVERROR_EOF) return make_error(ErrorCode::kMedia, "Encoding failed: " + error_text(err));
  if (out->pb && out->pb->error < 0) return write_failure(path, out->pb->error);
  return {};
}

}  // namespace bgm::ff
