#include "media/video_transcode.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>

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

using Options = std::initializer_list<std::pair<const char*, std::string>>;

// A filter named `name` (commands find it by that name), options set one by one (av_opt_set: no option-string
// parsing, so a title holds any character).
AVFilterContext* add(AVFilterGraph* graph, const char* filter, const char* name, Options options) {
  AVFilterContext* f = avfilter_graph_alloc_filter(graph, avfilter_get_by_name(filter), name);
  if (!f) return nullptr;
  for (const auto& [key, value] : options)
    if (av_opt_set(f, key, value.c_str(), AV_OPT_SEARCH_CHILDREN) < 0) return nullptr;
  return avfilter_init_str(f, nullptr) >= 0 ? f : nullptr;
}

// `filter` after `last` (its output pad `pad`); nullptr when either is missing.
AVFilterContext* then(AVFilterGraph* graph, AVFilterContext* last, const char* filter, const char* name, Options options, unsigned pad = 0) {
  if (!last) return nullptr;
  AVFilterContext* f = add(graph, filter, name, options);
  return f && avfilter_link(last, pad, f, 0) >= 0 ? f : nullptr;
}

// How a frame reaches the output's shape.
enum class Shape { kPlain, kFit, kCrop };

struct Graph {
  std::unique_ptr<AVFilterGraph, GraphDeleter> graph{avfilter_graph_alloc()};
  AVFilterContext* src = nullptr;
  AVFilterContext* sink = nullptr;
};

// The blurred, darkened copy behind a fitted picture: made small, blurred, scaled back up (cheap and smooth).
AVFilterContext* backdrop(AVFilterGraph* g, AVFilterContext* from, unsigned pad, int w, int h) {
  const std::string sw = std::to_string(std::max(2, w / 4 / 2 * 2)), sh = std::to_string(std::max(2, h / 4 / 2 * 2));
  AVFilterContext* last = then(g, from, "scale", "bg_small", {{"w", sw}, {"h", sh}, {"force_original_aspect_ratio", "increase"}}, pad);
  last = then(g, last, "crop", "bg_crop", {{"w", sw}, {"h", sh}});
  last = then(g, last, "boxblur", "bg_blur", {{"luma_radius", "10"}, {"luma_power", "2"}, {"chroma_radius", "5"}, {"chroma_power", "2"}});
  last = then(g, last, "scale", "bg_large", {{"w", std::to_string(w)}, {"h", std::to_string(h)}});
  return then(g, last, "lutyuv", "bg_dark", {{"y", "val*0.55"}});
}

AVFilterContext* title_and_format(AVFilterGraph* g, AVFilterContext* last, const VideoTransform& t) {
  if (last && t.title) {
    const double a = t.title_start_s, b = t.title_start_s + t.title_duration_s, fade = std::min(0.5, t.title_duration_s / 4);
    char alpha[256], enable[128];
    std::snprintf(alpha, sizeof alpha, "if(lt(t,%.3f),(t-%.3f)/%.3f,if(gt(t,%.3f),(%.3f-t)/%.3f,1))", a + fade, a, fade, b - fade, b, fade);
    std::snprintf(enable, sizeof enable, "between(t,%.3f,%.3f)", a, b);
    last = then(g, last, "drawtext", "title",
                {{"text", *t.title}, {"expansion", "none"}, {"font", "Sans"}, {"fontsize", "h/12"}, {"fontcolor", "white"},
                 {"x", "(w-text_w)/2"}, {"y", "(h-text_h)/2"}, {"box", "1"}, {"boxcolor", "black@0.35"}, {"boxborderw", "24"},
                 {"alpha", alpha}, {"enable", enable}});
  }
  return then(g, last, "format", "format", {{"pix_fmts", "yuv420p"}});
}

// buffer -> the shape's filters -> [drawtext] -> format (yuv420p) -> buffersink.
Result<Graph> build_graph(const std::string& buffer_args, const VideoTransform& t, Shape shape, int source_w, int source_h) {
  Graph g;
  AVFilterGraph* fg = g.graph.get();
  if (!fg || avfilter_graph_create_filter(&g.src, avfilter_get_by_name("buffer"), "in", buffer_args.c_str(), nullptr, fg) < 0 ||
      avfilter_graph_create_filter(&g.sink, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, fg) < 0) {
    return make_error(ErrorCode::kMedia, "Could not set up the video filters.");
  }
  const std::string w = std::to_string(t.width), h = std::to_string(t.height);
  AVFilterContext* last = g.src;
  if (shape == Shape::kPlain) {
    if (t.max_height) last = then(fg, last, "scale", "scale", {{"w", "-2"}, {"h", "min(ih," + std::to_string(*t.max_height) + ")"}});
    if (t.width > 0) last = then(fg, last, "scale", "frame", {{"w", w}, {"h", h}});
  } else if (shape == Shape::kFit) {
    AVFilterContext* split = then(fg, last, "split", "split", {{"outputs", "2"}});
    AVFilterContext* bg = backdrop(fg, split, 0, t.width, t.height);
    AVFilterContext* fore = then(fg, split, "scale", "fore", {{"w", w}, {"h", h}, {"force_original_aspect_ratio", "decrease"}, {"force_divisible_by", "2"}}, 1);
    AVFilterContext* over = bg && fore ? add(fg, "overlay", "overlay", {{"x", "(W-w)/2"}, {"y", "(H-h)/2"}}) : nullptr;
    last = over && avfilter_link(bg, 0, over, 0) >= 0 && avfilter_link(fore, 0, over, 1) >= 0 ? over : nullptr;
  } else {
    const int cw = std::max(2, static_cast<int>(std::lround(t.crop_window * source_w / 2)) * 2);
    last = then(fg, last, "crop", "crop", {{"w", std::to_string(cw)}, {"h", std::to_string(source_h)}, {"x", "0"}, {"y", "0"}});
    last = then(fg, last, "scale", "frame", {{"w", w}, {"h", h}});
  }
  if (shape != Shape::kPlain || t.width > 0) last = then(fg, last, "setsar", "setsar", {{"sar", "1"}});
  last = title_and_format(fg, last, t);
  if (!last || avfilter_link(last, 0, g.sink, 0) < 0 || avfilter_graph_config(fg, nullptr) < 0)
    return make_error(ErrorCode::kMedia, "Could not set up the video filters (title, scaling or reframing).");
  return g;
}

void set_encoder_options(AVCodecContext* enc, const VideoTransform& t, double fps) {
  enc->gop_size = t.keyframe_s > 0 ? std::max(1, static_cast<int>(std::floor(t.keyframe_s * fps))) : 250;
  enc->thread_count = 2;
  if (t.vp9) {
    av_opt_set(enc->priv_data, "deadline", "realtime", 0);
    av_opt_set_int(enc->priv_data, "cpu-used", 8, 0);
    av_opt_set_int(enc->priv_data, "crf", 32, 0);
    enc->bit_rate = 0;
    return;
  }
  av_opt_set(enc->priv_data, "preset", "veryfast", 0);
  if (t.video_kbps <= 0) {
    av_opt_set(enc->priv_data, "crf", "20", 0);
    return;
  }
  // A platform's settings: High profile, 2 B-frames, closed GOPs, VBR around the target under a peak.
  av_opt_set(enc->priv_data, "profile", "high", 0);
  enc->max_b_frames = 2;
  enc->bit_rate = static_cast<int64_t>(t.video_kbps) * 1000;
  const int peak = t.max_video_kbps > 0 ? std::min(t.max_video_kbps, t.video_kbps * 2) : t.video_kbps * 3 / 2;
  enc->rc_max_rate = static_cast<int64_t>(peak) * 1000;
  enc->rc_buffer_size = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(peak) * 2000, INT32_MAX));
  enc->keyint_min = std::max(1, enc->gop_size / 2);
  av_opt_set(enc->priv_data, "x264-params", "open-gop=0", 0);
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

  // A constant rate counts frames in 1/fps; otherwise the source's own clock.
  const bool constant = t.fps > 0;
  const AVRational rate = constant ? av_d2q(t.fps, 1001000) : av_guess_frame_rate(in.get(), vin, nullptr);
  const AVRational graph_tb = constant ? av_inv_q(rate) : vin->time_base;
  char args[512];
  const AVRational sar = vin->codecpar->sample_aspect_ratio.num ? vin->codecpar->sample_aspect_ratio : AVRational{1, 1};
  std::snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d", dec->width, dec->height, dec->pix_fmt,
                graph_tb.num, graph_tb.den, sar.num, sar.den);
  // One graph for the whole picture; with a crop, a second one the frames of cropped shots go through instead.
  const bool reshape = t.width > 0 && std::fabs(static_cast<double>(t.width) / t.height - static_cast<double>(dec->width) / dec->height) > 0.01;
  auto main_graph = build_graph(args, t, reshape ? Shape::kFit : Shape::kPlain, dec->width, dec->height);
  if (!main_graph) return main_graph.error();
  std::optional<Graph> crop_graph;
  if (reshape && t.crop_left && t.crop_window < 0.999) {
    auto g = build_graph(args, t, Shape::kCrop, dec->width, dec->height);
    if (!g) return g.error();
    crop_graph = std::move(g).value();
  }

  const AVCodec* enc_codec = avcodec_find_encoder_by_name(t.vp9 ? "libvpx-vp9" : "libx264");
  if (!enc_codec) return make_error(ErrorCode::kMedia, std::string("This FFmpeg has no ") + (t.vp9 ? "VP9" : "H.264") + " encoder.");
  AVFormatContext* oraw = nullptr;
  avformat_alloc_output_context2(&oraw, nullptr, "matroska", nullptr);
  ff::OutputPtr out(oraw);
  ff::CodecContextPtr enc(avcodec_alloc_context3(enc_codec));
  AVFilterContext* sink = main_graph->sink;
  enc->width = av_buffersink_get_w(sink);
  enc->height = av_buffersink_get_h(sink);
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = av_buffersink_get_time_base(sink);
  enc->framerate = rate;
  enc->sample_aspect_ratio = av_buffersink_get_sample_aspect_ratio(sink);
  if (out->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  set_encoder_options(enc.get(), t, av_q2d(rate) > 0 ? av_q2d(rate) : 30.0);
  if ((err = avcodec_open2(enc.get(), enc_codec, nullptr)) < 0)
    return make_error(ErrorCode::kMedia, "Could not start the video encoder: " + ff::error_text(err));
  AVStream* vout = avformat_new_stream(out.get(), nullptr);
  avcodec_parameters_from_context(vout->codecpar, enc.get());
  vout->time_base = enc->time_base;
  vout->avg_frame_rate = rate;
  if ((err = avio_open(&out->pb, ff::file_url(output).c_str(), AVIO_FLAG_WRITE)) < 0) return ff::write_failure(output, err);
  if ((err = avformat_write_header(out.get(), nullptr)) < 0) return ff::write_failure(output, err);

  ff::PacketPtr pkt(av_packet_alloc()), opkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc()), filtered(av_frame_alloc()), held(av_frame_alloc());
  const double tb = av_q2d(vin->time_base);
  const int64_t origin = vin->start_time != AV_NOPTS_VALUE ? vin->start_time : 0;
  if (t.start_s > 1.0) av_seek_frame(in.get(), vindex, origin + static_cast<int64_t>(t.start_s / tb), AVSEEK_FLAG_BACKWARD);
  double last_report = 0;
  int64_t last_pts = INT64_MIN;
  auto write_packets = [&] { return ff::drain_encoder(enc.get(), out.get(), vout, opkt.get(), output); };
  auto pull = [&](Graph& g) -> Status {
    while (av_buffersink_get_frame(g.sink, filtered.get()) >= 0) {
      filtered->pict_type = AV_PICTURE_TYPE_NONE;
      const bool in_order = filtered->pts > last_pts;
      if (in_order) last_pts = filtered->pts, avcodec_send_frame(enc.get(), filtered.get());
      av_frame_unref(filtered.get());
      if (auto ok = write_packets(); !ok) return ok;
    }
    return {};
  };
  // One frame into the graph its moment calls for (`f->pts` in the graph's time base, from 0).
  auto push = [&](AVFrame* f) -> Status {
    Graph* g = &*main_graph;
    if (crop_graph) {
      if (const auto left = t.crop_left(static_cast<double>(f->pts) * av_q2d(graph_tb))) {
        const std::string x = std::to_string(std::lround(*left * dec->width));
        avfilter_graph_send_command(crop_graph->graph.get(), "crop", "x", x.c_str(), nullptr, 0, 0);
        g = &*crop_graph;
      }
    }
    if (av_buffersrc_add_frame_flags(g->src, f, AV_BUFFERSRC_FLAG_KEEP_REF) < 0) return make_error(ErrorCode::kMedia, "The video filters refused a frame.");
    return pull(*g);
  };
  // Constant rate: each output tick shows the latest frame that started at or before it.
  int64_t tick = 0;
  bool have_held = false;
  auto emit_until = [&](double until_s) -> Status {
    while (have_held && static_cast<double>(tick) * av_q2d(graph_tb) < until_s - 1e-6) {
      held->pts = tick++;
      if (auto ok = push(held.get()); !ok) return ok;
    }
    return {};
  };
  bool done = false;
  auto decode_and_filter = [&]() -> Status {
    while (!done && avcodec_receive_frame(dec.get(), frame.get()) >= 0) {
      const double t_s = static_cast<double>(frame->best_effort_timestamp - origin) * tb - t.start_s;
      if (duration_s > 0 && t_s >= duration_s - 1e-6) done = true;
      if (done || (t_s < -1e-6 && !constant)) {
        av_frame_unref(frame.get());
        continue;
      }
      if (constant) {
        if (auto ok = emit_until(std::min(t_s, duration_s > 0 ? duration_s : t_s)); !ok) return ok;
        av_frame_unref(held.get());
        av_frame_move_ref(held.get(), frame.get());
        have_held = true;
      } else {
        frame->pts = frame->best_effort_timestamp - origin - static_cast<int64_t>(std::llround(t.start_s / tb));
        if (auto ok = push(frame.get()); !ok) return ok;
        av_frame_unref(frame.get());
      }
      if (progress && duration_s > 0 && t_s - last_report > 5) {
        last_report = t_s;
        progress(Stage::kExporting, std::min(1.0, t_s / duration_s));
      }
    }
    return {};
  };
  while (!done && av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == vindex && avcodec_send_packet(dec.get(), pkt.get()) >= 0) {
      if (auto ok = decode_and_filter(); !ok) return ok;
    }
    av_packet_unref(pkt.get());
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }
  if (!done) {
    avcodec_send_packet(dec.get(), nullptr);
    if (auto ok = decode_and_filter(); !ok) return ok;
  }
  if (constant) {
    const double end = duration_s > 0 ? duration_s : static_cast<double>(tick + 1) * av_q2d(graph_tb);
    if (auto ok = emit_until(end); !ok) return ok;
  }
  for (Graph* g : {&*main_graph, crop_graph ? &*crop_graph : nullptr}) {
    if (!g) continue;
    if (av_buffersrc_add_frame(g->src, nullptr) < 0) return make_error(ErrorCode::kMedia, "The video filters could not be flushed.");
    if (auto ok = pull(*g); !ok) return ok;
  }
  avcodec_send_frame(enc.get(), nullptr);
  if (auto ok = write_packets(); !ok) return ok;
  if ((err = av_write_trailer(out.get())) < 0) return make_error(ErrorCode::kIo, "Could not finish " + output.string() + ".");
  return {};
}

}  // namespace bgm
