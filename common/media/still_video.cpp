#include "media/still_video.h"

#include <cmath>
#include <cstdint>

#include "media/ff_output.h"
#include "media/media_input.h"
#include "media/video_input.h"

extern "C" {
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace bgm {
namespace {

constexpr int kFps = 30;
constexpr int kMaxSide = 3840;

struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

// The picture's first frame, decoded.
Result<ff::FramePtr> decode_picture(const std::filesystem::path& image, const CancelToken* cancel) {
  auto input = ff::open_video_input(image, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  const AVCodec* codec = input->decoder;
  const int index = input->index;
  ff::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(ctx.get(), in->streams[index]->codecpar);
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return make_error(ErrorCode::kMedia, "Could not decode " + image.string() + ".");
  ff::PacketPtr pkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc());
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == index) avcodec_send_packet(ctx.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) return frame;
  }
  avcodec_send_packet(ctx.get(), nullptr);
  if (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) return frame;
  return make_error(ErrorCode::kMedia, image.string() + " has no decodable picture. It may be damaged.");
}

}  // namespace

Status encode_still_video(const std::filesystem::path& image, const std::filesystem::path& output, double duration_s,
                          const CancelToken* cancel) {
  auto picture = decode_picture(image, cancel);
  if (!picture) return picture.error();
  const AVFrame* src = picture->get();
  // H.264 in 4:2:0 needs even sizes; very large pictures are scaled to 4K.
  double scale = std::min(1.0, static_cast<double>(kMaxSide) / std::max(src->width, src->height));
  const int w = std::max(2, static_cast<int>(src->width * scale) & ~1), h = std::max(2, static_cast<int>(src->height * scale) & ~1);
  std::unique_ptr<SwsContext, SwsDeleter> sws(sws_getContext(src->width, src->height, static_cast<AVPixelFormat>(src->format), w, h,
                                                              AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws) return make_error(ErrorCode::kMedia, "Could not convert the picture's pixels.");
  ff::FramePtr frame(av_frame_alloc());
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = w;
  frame->height = h;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return make_error(ErrorCode::kMedia, "Out of memory for the picture.");
  sws_scale(sws.get(), src->data, src->linesize, 0, src->height, frame->data, frame->linesize);

  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) return make_error(ErrorCode::kMedia, "This FFmpeg has no H.264 encoder (libx264).");
  AVFormatContext* oraw = nullptr;
  avformat_alloc_output_context2(&oraw, nullptr, "matroska", output.c_str());
  if (!oraw) return make_error(ErrorCode::kMedia, "FFmpeg has no Matroska muxer.");
  ff::OutputPtr out(oraw);
  ff::CodecContextPtr enc(avcodec_alloc_context3(codec));
  enc->width = w;
  enc->height = h;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = AVRational{1, kFps};
  enc->framerate = AVRational{kFps, 1};
  enc->gop_size = 250;
  if (out->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(enc->priv_data, "preset", "veryfast", 0);
  av_opt_set(enc->priv_data, "tune", "stillimage", 0);
  av_opt_set(enc->priv_data, "crf", "20", 0);
  int err = avcodec_open2(enc.get(), codec, nullptr);
  if (err < 0) return make_error(ErrorCode::kMedia, "Could not start the H.264 encoder: " + ff::error_text(err));
  AVStream* st = avformat_new_stream(out.get(), nullptr);
  avcodec_parameters_from_context(st->codecpar, enc.get());
  st->time_base = enc->time_base;
  st->avg_frame_rate = enc->framerate;
  if ((err = avio_open(&out->pb, ff::file_url(output).c_str(), AVIO_FLAG_WRITE)) < 0) return ff::write_failure(output, err);
  if ((err = avformat_write_header(out.get(), nullptr)) < 0) return ff::write_failure(output, err);
  ff::PacketPtr pkt(av_packet_alloc());
  auto drain = [&] { return ff::drain_encoder(enc.get(), out.get(), st, pkt.get(), output); };
  const auto frames = static_cast<int64_t>(std::ceil(duration_s * kFps - 1e-9));
  for (int64_t i = 0; i < frames; ++i) {
    if (av_frame_make_writable(frame.get()) < 0) return make_error(ErrorCode::kMedia, "Out of memory for the picture.");
    frame->pts = i;
    if (avcodec_send_frame(enc.get(), frame.get()) < 0) return make_error(ErrorCode::kMedia, "The H.264 encoder refused a frame.");
    if (auto ok = drain(); !ok) return ok;
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }
  avcodec_send_frame(enc.get(), nullptr);
  if (auto ok = drain(); !ok) return ok;
  if ((err = av_write_trailer(out.get())) < 0) return make_error(ErrorCode::kIo, "Could not finish " + output.string() + ".");
  return {};
}

}  // namespace bgm
