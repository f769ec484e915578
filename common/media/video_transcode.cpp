#include "media/video_transcode.h"

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <fstream>

#include "core/atomic_file.h"
#include "media/ff_output.h"
#include "media/media_input.h"
#include "media/video_input.h"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
}

namespace bgm {
namespace {

struct GraphDeleter {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

// Adds `name` after `last` in the chain, with options set one by one (av_opt_set: no option-string parsing, so a
// title or path holds any character). Returns the new last filter, or nullptr.
AVFilterContext* append_filter(AVFilterGraph* graph, AVFilterContext* last, const char* name,
                               std::initializer_list<std::pair<const char*, std::string>> options) {
  AVFilterContext* f = avfilter_graph_alloc_filter(graph, avfilter_get_by_name(name), name);
  if (!f) return nullptr;
  for (const auto& [key, value] : options)
    if (av_opt_set(f, key, value.c_str(), AV_OPT_SEARCH_CHILDREN) < 0) return nullptr;
  if (avfilter_init_str(f, nullptr) < 0 || avfilter_link(last, 0, f, 0) < 0) return nullptr;
  return f;
}

// buffer -> [scale] -> [drawtext] -> format (yuv420p) -> `sink`.
bool build_chain(AVFilterGraph* graph, AVFilterContext* src, AVFilterContext* sink, const VideoTransform& t) {
  AVFilterContext* last = src;
  if (t.max_height) last = append_filter(graph, last, "scale", {{"w", "-2"}, {"h", "min(ih," + std::to_string(*t.max_height) + ")"}});
  if (last && t.title) {
    const double a = t.title_start_s, b = t.title_start_s + t.title_duration_s, fade = std::min(0.5, t.title_duration_s / 4);
    char alpha[256], enable[128];
    std::snprintf(alpha, sizeof alpha, "if(lt(t,%.3f),(t-%.3f)/%.3f,if(gt(t,%.3f),(%.3f-t)/%.3f,1))", a + fade, a, fade, b - fade, b, fade);
    std::snprintf(enable, sizeof enable, "between(t,%.3f,%.3f)", a, b);
    last = append_filter(graph, last, "drawtext",
                         {{"text", *t.title}, {"expansion", "none"}, {"font", "Sans"}, {"fontsize", "h/12"}, {"fontcolor", "white"},
                          {"x", "(w-text_w)/2"}, {"y", "(h-text_h)/2"}, {"box", "1"}, {"boxcolor", "black@0.35"}, {"boxborderw", "24"},
                          {"alpha", alpha}, {"enable", enable}});
  }
  if (last) last = append_filter(graph, last, "format", {{"pix_fmts", "yuv420p"}});
  return last && avfilter_link(last, 0, sink, 0) >= 0 && avfilter_graph_config(graph, nullptr) >= 0;
}

}  // namespace

Status transcode_video(const std::filesystem::path& source, const std::filesystem::path& output, const VideoTransform& t,
                       double duration_s, const CancelToken* cancel, const ProgressFn& progress) {
  auto input = ff::open_video_input(source, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  const AVCodec* dec_codec = input->decoder;
  const int vindex = input->index;
  AVStream* vin = input->stream;
  int err = 0;
  ff::CodecContextPtr dec(avcodec_alloc_context3(dec_codec));
  avcodec_parameters_to_context(dec.get(), vin->codecpar);
  dec->thread_count = 2;
  if (avcodec_open2(dec.get(), dec_codec, nullptr) < 0) return make_error(ErrorCode::kMedia, "Could not open the video decoder.");

  // Filter graph: buffer -> transforms -> buffersink.
  std::unique_ptr<AVFilterGraph, GraphDeleter> graph(avfilter_graph_alloc());
  char args[512];
  const AVRational sar = vin->codecpar->sample_aspect_ratio.num ? vin->codecpar->sample_aspect_ratio : AVRational{1, 1};
  std::snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d", dec->width, dec->height, dec->pix_fmt,
                vin->time_base.num, vin->time_base.den, sar.num, sar.den);
  AVFilterContext *src = nullptr, *sink = nullptr;
  if (avfilter_graph_create_filter(&src, avfilter_get_by_name("buffer"), "in", args, nullptr, graph.get()) < 0 ||
      avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph.get()) < 0) {
    return make_error(ErrorCode::kMedia, "Could not set up the video filters.");
  }
  if (!build_chain(graph.get(), src, sink, t)) return make_error(ErrorCode::kMedia, "Could not set up the video filters (title or scaling).");

  const AVCodec* enc_codec = avcodec_find_encoder_by_name(t.vp9 ? "libvpx-vp9" : "libx264");
  if (!enc_codec) return make_error(ErrorCode::kMedia, std::string("This FFmpeg has no ") + (t.vp9 ? "VP9" : "H.264") + " encoder.");
  AVFormatContext* oraw = nullptr;
  avformat_alloc_output_context2(&oraw, nullptr, "matroska", nullptr);
  ff::OutputPtr out(oraw);
  ff::CodecContextPtr enc(avcodec_alloc_context3(enc_codec));
  enc->width = av_buffersink_get_w(sink);
  enc->height = av_buffersink_get_h(sink);
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = av_buffersink_get_time_base(sink);
  enc->framerate = av_guess_frame_rate(in.get(), vin, nullptr);
  enc->sample_aspect_ratio = av_buffersink_get_sample_aspect_ratio(sink);
  enc->gop_size = 250;
  enc->thread_count = 2;
  if (out->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (t.vp9) {
    av_opt_set(enc->priv_data, "deadline", "realtime", 0);
    av_opt_set_int(enc->priv_data, "cpu-used", 8, 0);
    av_opt_set_int(enc->priv_data, "crf", 32, 0);
    enc->bit_rate = 0;
  } else {
    av_opt_set(enc->priv_data, "preset", "veryfast", 0);
    av_opt_set(enc->priv_data, "crf", "20", 0);
  }
  if ((err = avcodec_open2(enc.get(), enc_codec, nullptr)) < 0)
    return make_error(ErrorCode::kMedia, "Could not start the video encoder: " + ff::error_text(err));
  AVStream* vout = avformat_new_stream(out.get(), nullptr);
  avcodec_parameters_from_context(vout->codecpar, enc.get());
  vout->time_base = enc->time_base;
  if ((err = avio_open(&out->pb, ff::file_url(output).c_str(), AVIO_FLAG_WRITE)) < 0) return ff::write_failure(output, err);
  if ((err = avformat_write_header(out.get(), nullptr)) < 0) return ff::write_failure(output, err);

  ff::PacketPtr pkt(av_packet_alloc()), opkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc()), filtered(av_frame_alloc());
  const double tb = av_q2d(vin->time_base);
  const int64_t start = vin->start_time != AV_NOPTS_VALUE ? vin->start_time : 0;
  double last_report = 0;
  auto write_packets = [&] { return ff::drain_encoder(enc.get(), out.get(), vout, opkt.get(), output); };
  auto pull_filtered = [&]() -> Status {
    while (av_buffersink_get_frame(sink, filtered.get()) >= 0) {
      filtered->pict_type = AV_PICTURE_TYPE_NONE;
      avcodec_send_frame(enc.get(), filtered.get());
      av_frame_unref(filtered.get());
      if (auto ok = write_packets(); !ok) return ok;
    }
    return {};
  };
  auto decode_and_filter = [&]() -> Status {
    while (avcodec_receive_frame(dec.get(), frame.get()) >= 0) {
      frame->pts = frame->best_effort_timestamp - start;
      const double t_s = static_cast<double>(frame->pts) * tb;
      if (duration_s > 0 && t_s >= duration_s + 1e-6) {
        av_frame_unref(frame.get());
        continue;
      }
      if (av_buffersrc_add_frame(src, frame.get()) < 0) return make_error(ErrorCode::kMedia, "The video filters refused a frame.");
      if (auto ok = pull_filtered(); !ok) return ok;
      if (progress && duration_s > 0 && t_s - last_report > 5) {
        last_report = t_s;
        progress(Stage::kExporting, std::min(1.0, t_s / duration_s));
      }
    }
    return {};
  };
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == vindex && avcodec_send_packet(dec.get(), pkt.get()) >= 0) {
      if (auto ok = decode_and_filter(); !ok) return ok;
    }
    av_packet_unref(pkt.get());
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }
  avcodec_send_packet(dec.get(), nullptr);
  if (auto ok = decode_and_filter(); !ok) return ok;
  if (av_buffersrc_add_frame(src, nullptr) < 0) return make_error(ErrorCode::kMedia, "The video filters could not be flushed.");
  if (auto ok = pull_filtered(); !ok) return ok;
  avcodec_send_frame(enc.get(), nullptr);
  if (auto ok = write_packets(); !ok) return ok;
  if ((err = av_write_trailer(out.get())) < 0) return make_error(ErrorCode::kIo, "Could not finish " + output.string() + ".");
  return {};
}

}  // namespace bgm
