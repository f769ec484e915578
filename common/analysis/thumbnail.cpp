#include "analysis/thumbnail.h"

#include <algorithm>
#include <cstdint>

#include "analysis/feature_tracker.h"
#include "media/ffmpeg_handles.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace bgm {
namespace {

// Mean of each cell of a plane, sampling every `step`th pixel in both directions.
void cell_means(const uint8_t* data, int stride, int w, int h, int cols, int rows, int step, float* out) {
  for (int cy = 0; cy < rows; ++cy) {
    const int y0 = cy * h / rows, y1 = std::max(y0 + 1, (cy + 1) * h / rows);
    for (int cx = 0; cx < cols; ++cx) {
      const int x0 = cx * w / cols, x1 = std::max(x0 + 1, (cx + 1) * w / cols);
      uint32_t sum = 0, n = 0;
      for (int y = y0; y < y1; y += step) {
        const uint8_t* row = data + static_cast<ptrdiff_t>(y) * stride;
        for (int x = x0; x < x1; x += step) sum += row[x], ++n;
      }
      out[cy * cols + cx] = n ? static_cast<float>(sum) / static_cast<float>(n) / 255.0f : 0.0f;
    }
  }
}

bool planar_yuv8(AVPixelFormat f) {
  switch (f) {
    case AV_PIX_FMT_YUV420P: case AV_PIX_FMT_YUVJ420P: case AV_PIX_FMT_YUV422P: case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUV444P: case AV_PIX_FMT_YUVJ444P: return true;
    default: return false;
  }
}

struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

}  // namespace

struct Thumbnailer::Scaler {
  std::unique_ptr<SwsContext, SwsDeleter> sws;
  ff::FramePtr converted;
};

Thumbnailer::Thumbnailer() : scaler_(std::make_unique<Scaler>()) {}
Thumbnailer::~Thumbnailer() = default;

bool Thumbnailer::make(const AVFrame* frame, float* luma, float* u, float* v) {
  const AVFrame* src = frame;
  if (!planar_yuv8(static_cast<AVPixelFormat>(frame->format))) src = convert(frame);
  if (!src) return false;
  const auto* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(src->format));
  const int w = src->width, h = src->height;
  const int step = w >= 640 ? 2 : 1;
  cell_means(src->data[0], src->linesize[0], w, h, kThumbWidth, kThumbHeight, step, luma);
  if (!u || !v) return true;
  const int cw = AV_CEIL_RSHIFT(w, desc->log2_chroma_w), ch = AV_CEIL_RSHIFT(h, desc->log2_chroma_h);
  cell_means(src->data[1], src->linesize[1], cw, ch, kChromaThumbWidth, kChromaThumbHeight, step, u);
  cell_means(src->data[2], src->linesize[2], cw, ch, kChromaThumbWidth, kChromaThumbHeight, step, v);
  return true;
}

const AVFrame* Thumbnailer::convert(const AVFrame* frame) {
  const int w = kThumbWidth * 4, h = kThumbHeight * 4;
  auto& s = *scaler_;
  s.sws.reset(sws_getCachedContext(s.sws.release(), frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), w, h,
                                   AV_PIX_FMT_YUV420P, SWS_AREA, nullptr, nullptr, nullptr));
  if (!s.sws) return nullptr;
  if (!s.converted) {
    s.converted.reset(av_frame_alloc());
    s.converted->format = AV_PIX_FMT_YUV420P;
    s.converted->width = w;
    s.converted->height = h;
    if (av_frame_get_buffer(s.converted.get(), 0) < 0) return nullptr;
  }
  sws_scale(s.sws.get(), frame->data, frame->linesize, 0, frame->height, s.converted->data, s.converted->linesize);
  return s.converted.get();
}

}  // namespace bgm
