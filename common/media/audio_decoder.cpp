#include "media/audio_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "media/ffmpeg_handles.h"
#include "media/media_input.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace bgm {

Status decode_audio(const std::filesystem::path& path, int sample_rate, const DecodedAudioSink& sink, const CancelToken* cancel,
                    double offset_s) {
  if (!std::isfinite(offset_s) || std::abs(offset_s) > 3600.0) {
    return make_error(ErrorCode::kMedia, "The sound of " + path.string() + " starts more than an hour away from its picture: the file's "
                                         "timestamps are broken. Remux it (ffmpeg -i IN -c copy OUT.mkv) and try again.");
  }
  auto opened = ff::open_input(path, cancel);
  if (!opened) return opened.error();
  ff::InputPtr in = std::move(opened).value();
  int err = 0;
  if ((err = ff::find_stream_info(in.get())) < 0)
    return make_error(ErrorCode::kMedia, "Could not read the streams of " + path.string() + ".");
  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(in.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (index < 0 || !codec) return make_error(ErrorCode::kMedia, path.string() + " has no audio stream.");
  ff::CodecContextPtr ctx(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(ctx.get(), in->streams[index]->codecpar);
  if ((err = avcodec_open2(ctx.get(), codec, nullptr)) < 0)
    return make_error(ErrorCode::kMedia, "Could not open the audio decoder: " + ff::error_text(err));

  SwrContext* swr_raw = nullptr;
  AVChannelLayout stereo{};  // zeroed: av_channel_layout_copy() frees what the target held
  av_channel_layout_default(&stereo, 2);
  AVChannelLayout in_layout{};  // zeroed: av_channel_layout_copy() frees what the target held
  if (ctx->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) av_channel_layout_default(&in_layout, ctx->ch_layout.nb_channels);
  else av_channel_layout_copy(&in_layout, &ctx->ch_layout);
  err = swr_alloc_set_opts2(&swr_raw, &stereo, AV_SAMPLE_FMT_FLTP, sample_rate, &in_layout, ctx->sample_fmt, ctx->sample_rate, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  if (err < 0 || swr_init(swr_raw) < 0) {
    swr_free(&swr_raw);
    return make_error(ErrorCode::kMedia, "Could not convert the audio of " + path.string() + ".");
  }
  ff::SwrPtr swr(swr_raw);

  std::vector<float> l, r;
  // A later start: silence first. An earlier one: the first `skip` frames are dropped.
  if (offset_s > 0.001) {
    const std::vector<float> silence(4096, 0.0f);
    for (auto pad = static_cast<size_t>(std::llround(offset_s * sample_rate)); pad > 0;) {
      const size_t n = std::min(pad, silence.size());
      if (auto ok = sink(silence.data(), silence.data(), n); !ok) return ok;
      pad -= n;
    }
  }
  auto skip = offset_s < -0.001 ? static_cast<size_t>(std::llround(-offset_s * sample_rate)) : size_t{0};
  // Converts what the resampler is given (nothing: flush its delay) and passes it on.
  auto convert = [&](const uint8_t** data, int samples) -> Result<int> {
    const int max_out = swr_get_out_samples(swr.get(), samples);
    if (max_out <= 0) return 0;
    l.resize(static_cast<size_t>(max_out)), r.resize(static_cast<size_t>(max_out));
    uint8_t* dst[2] = {reinterpret_cast<uint8_t*>(l.data()), reinterpret_cast<uint8_t*>(r.data())};
    const int got = swr_convert(swr.get(), dst, max_out, data, samples);
    if (got > 0) {
      const size_t dropped = std::min(skip, static_cast<size_t>(got));
      skip -= dropped;
      if (static_cast<size_t>(got) > dropped) {
        if (auto ok = sink(l.data() + dropped, r.data() + dropped, static_cast<size_t>(got) - dropped); !ok) return ok.error();
      }
    }
    return std::max(got, 0);
  };
  ff::PacketPtr pkt(av_packet_alloc());
  ff::FramePtr frame(av_frame_alloc());
  auto drain = [&]() -> Status {
    while ((err = avcodec_receive_frame(ctx.get(), frame.get())) >= 0) {
      if (auto ok = convert(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples); !ok) return ok.error();
    }
    if (err != AVERROR(EAGAIN) && err != AVERROR_EOF) return make_error(ErrorCode::kMedia, "Audio decoding failed: " + ff::error_text(err));
    return {};
  };
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == index) {
      if (avcodec_send_packet(ctx.get(), pkt.get()) >= 0) {
        if (auto ok = drain(); !ok) return ok;
      }
      if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    }
    av_packet_unref(pkt.get());
  }
  avcodec_send_packet(ctx.get(), nullptr);
  if (auto ok = drain(); !ok) return ok;
  for (;;) {
    auto got = convert(nullptr, 0);
    if (!got) return got.error();
    if (*got <= 0) break;
  }
  return {};
}

Result<AudioStore> decode_audio_to_store(const std::filesystem::path& path, const std::filesystem::path& dir, double offset_s,
                                         const CancelToken* cancel, size_t most, const Error& too_long, const CancelToken* stop) {
  auto store = AudioStore::create(dir, kSampleRate);
  if (!store) return store.error();
  auto append = [&](const float* l, const float* r, size_t n) -> Status {
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (store->frames() + n > most) return too_long;
    return store->append(l, r, n);
  };
  if (auto ok = decode_audio(path, kSampleRate, append, stop ? stop : cancel, offset_s); !ok) return ok.error();
  if (auto ok = store->finish(); !ok) return ok.error();
  return std::move(store).value();
}

Result<AudioBuffer> read_audio_file(const std::filesystem::path& path, int sample_rate) {
  AudioBuffer out;
  out.sample_rate = sample_rate;
  auto ok = decode_audio(path, sample_rate, [&](const float* l, const float* r, size_t n) -> Status {
    out.left.insert(out.left.end(), l, l + n);
    out.right.insert(out.right.end(), r, r + n);
    return {};
  });
  if (!ok) return ok.error();
  return out;
}

}  // namespace bgm
