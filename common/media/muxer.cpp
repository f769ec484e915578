#include "media/muxer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/atomic_file.h"
#include "media/ff_output.h"
#include "media/media_input.h"
#include "media/video_input.h"

extern "C" {
#include <libavcodec/version.h>
#include <libavutil/channel_layout.h>
}

namespace bgm {
namespace {

struct Container {
  const char* ext;
  const char* muxer;
  const char* audio_encoder;
  int audio_bit_rate;
};
const Container kContainers[] = {{"mp4", "mp4", "aac", ff::kAacBitRate},
                                 {"mov", "mov", "aac", ff::kAacBitRate},
                                 {"mkv", "matroska", "aac", ff::kAacBitRate},
                                 {"webm", "webm", "libopus", 192000}};

// The encoder's first (preferred) sample format. FFmpeg 7.1 (libavcodec 61.13) asks for avcodec_get_supported_config
// and deprecates AVCodec::sample_fmts; FFmpeg 5.1 (Debian 12) has only the field.
AVSampleFormat preferred_sample_format(const AVCodec* codec) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(61, 13, 100)
  const void* formats = nullptr;
  int count = 0;
  if (avcodec_get_supported_config(nullptr, codec, AV_CODEC_CONFIG_SAMPLE_FORMAT, 0, &formats, &count) >= 0 && formats && count > 0)
    return static_cast<const AVSampleFormat*>(formats)[0];
  return AV_SAMPLE_FMT_FLTP;
#else
  return codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
#endif
}

const Container* container_for(const std::string& ext) {
  for (const auto& c : kContainers)
    if (ext == c.ext) return &c;
  return nullptr;
}

// One audio track being encoded from a buffer, frame by frame, as the video advances.
class TrackEncoder {
 public:
  Status open(const char* encoder, int bit_rate, AVFormatContext* out, const MuxAudioTrack& track, int index) {
    const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
    if (!codec) return make_error(ErrorCode::kUnsupported, std::string("This FFmpeg has no ") + encoder + " encoder.");
    ctx_.reset(avcodec_alloc_context3(codec));
    const int rate = track.audio->sample_rate();
    ctx_->sample_rate = codec->id == AV_CODEC_ID_OPUS ? 48000 : rate;
    ctx_->sample_fmt = preferred_sample_format(codec);
    av_channel_layout_default(&ctx_->ch_layout, 2);
    ctx_->bit_rate = bit_rate;
    ctx_->time_base = AVRational{1, ctx_->sample_rate};
    if (out->oformat->flags & AVFMT_GLOBALHEADER) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int err = avcodec_open2(ctx_.get(), codec, nullptr);
    if (err < 0) return make_error(ErrorCode::kMedia, std::string("Could not start the ") + encoder + " encoder: " + ff::error_text(err));
    stream_ = avformat_new_stream(out, nullptr);
    avcodec_parameters_from_context(stream_->codecpar, ctx_.get());
    stream_->time_base = ctx_->time_base;
    av_dict_set(&stream_->metadata, "title", track.title.c_str(), 0);
    av_dict_set(&stream_->metadata, "handler_name", track.title.c_str(), 0);
    stream_->disposition = index == 0 ? AV_DISPOSITION_DEFAULT : 0;
    SwrContext* swr = nullptr;
    AVChannelLayout stereo{};  // zeroed: av_channel_layout_copy() frees what the target held
    av_channel_layout_default(&stereo, 2);
    if (swr_alloc_set_opts2(&swr, &stereo, ctx_->sample_fmt, ctx_->sample_rate, &stereo, AV_SAMPLE_FMT_FLTP, rate, 0, nullptr) < 0 ||
        swr_init(swr) < 0) {
      swr_free(&swr);
      return make_error(ErrorCode::kMedia, "Could not set up sample conversion.");
    }
    swr_.reset(swr);
    audio_ = track.audio;
    packet_.reset(av_packet_alloc());
    return {};
  }

  // Encodes the buffer up to `until_s` seconds (all of it when negative).
  Status advance(AVFormatContext* out, double until_s, const std::filesystem::path& path) {
    const size_t total = audio_->frames();
    const size_t limit = until_s < 0 ? total : std::min(total, static_cast<size_t>(until_s * audio_->sample_rate()));
    const size_t step = ctx_->frame_size > 0 ? static_cast<size_t>(ctx_->frame_size) : 1024;
    while (pos_ < limit) {
      const size_t n = std::min(step, total - pos_);
      ff::FramePtr frame(av_frame_alloc());
      frame->nb_samples = static_cast<int>(n);
      frame->format = ctx_->sample_fmt;
      frame->sample_rate = ctx_->sample_rate;
      av_channel_layout_copy(&frame->ch_layout, &ctx_->ch_layout);
      if (av_frame_get_buffer(frame.get(), 0) < 0) return make_error(ErrorCode::kMedia, "Out of memory for an audio frame.");
      l_.resize(n), r_.resize(n);
      audio_->read_at(pos_, l_.data(), r_.data(), n);
      const uint8_t* in[2] = {reinterpret_cast<const uint8_t*>(l_.data()), reinterpret_cast<const uint8_t*>(r_.data())};
      const int got = swr_convert(swr_.get(), frame->data, static_cast<int>(n), in, static_cast<int>(n));
      frame->nb_samples = std::max(got, 0);
      frame->pts = pts_;
      pts_ += frame->nb_samples;
      pos_ += n;
      if (auto ok = send(out, frame.get(), path); !ok) return ok;
    }
    return {};
  }

  Status finish(AVFormatContext* out, const std::filesystem::path& path) {
    if (auto ok = advance(out, -1, path); !ok) return ok;
    if (auto ok = audio_->status(); !ok) return ok;
    return send(out, nullptr, path);
  }

 private:
  Status send(AVFormatContext* out, AVFrame* frame, const std::filesystem::path& path) {
    const int err = avcodec_send_frame(ctx_.get(), frame);
    if (err < 0) return make_error(ErrorCode::kMedia, "The audio encoder refused a frame: " + ff::error_text(err));
    return ff::drain_encoder(ctx_.get(), out, stream_, packet_.get(), path);
  }

  ff::CodecContextPtr ctx_;
  ff::SwrPtr swr_;
  ff::PacketPtr packet_;
  AVStream* stream_ = nullptr;
  const AudioFrames* audio_ = nullptr;
  std::vector<float> l_, r_;
  size_t pos_ = 0;
  int64_t pts_ = 0;
};

}  // namespace

std::string supported_video_output_extensions() { return "mp4, mov, mkv, webm"; }
bool is_supported_video_output_extension(const std::string& ext) { return container_for(ext) != nullptr; }

bool container_holds_codec(const std::string& ext, const std::string& codec_name) {
  const Container* c = container_for(ext);
  const AVCodecDescriptor* d = avcodec_descriptor_get_by_name(codec_name.c_str());
  const AVOutputFormat* f = c ? av_guess_format(c->muxer, nullptr, nullptr) : nullptr;
  return c && d && f && avformat_query_codec(f, d->id, FF_COMPLIANCE_NORMAL) == 1;
}

Result<std::filesystem::path> mux_copied_video(const std::filesystem::path& source, const std::filesystem::path& output,
                                               const std::vector<MuxAudioTrack>& tracks, double duration_s, const CancelToken* cancel,
                                               const ProgressFn& progress, const MuxOptions& options) {
  const Container* container = container_for(lower_extension(output));
  if (!container) {
    return make_error(ErrorCode::kUnsupported, "Cannot write a video as '" + output.extension().string() + "'. Use one of: " +
                                                   supported_video_output_extensions() + ".");
  }
  if (auto ok = check_writable_output(output); !ok) return ok.error();
  auto input = ff::open_video_input(source, cancel);
  if (!input) return input.error();
  auto& in = input->format;
  const int vindex = input->index;
  AVStream* vin = input->stream;
  int err = 0;

  AtomicOutput atomic(output, OutputPolicy{options.keep_existing, false});
  AVFormatContext* oraw = nullptr;
  avformat_alloc_output_context2(&oraw, nullptr, container->muxer, atomic.temp_path().c_str());
  if (!oraw) return make_error(ErrorCode::kMedia, std::string("FFmpeg has no ") + container->muxer + " muxer.");
  ff::OutputPtr out(oraw);
  if (avformat_query_codec(out->oformat, vin->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
    const AVCodecDescriptor* d = avcodec_descriptor_get(vin->codecpar->codec_id);
    return make_error(ErrorCode::kUnsupported, std::string("A .") + container->ext + " file cannot hold the recording's " +
                                                   (d ? d->name : "video") + " video without re-encoding it. Choose .mkv (it holds any codec) or .mp4.");
  }
  AVStream* vout = avformat_new_stream(out.get(), nullptr);
  avcodec_parameters_copy(vout->codecpar, vin->codecpar);
  vout->codecpar->codec_tag = 0;
  vout->time_base = vin->time_base;
  vout->avg_frame_rate = vin->avg_frame_rate;
  av_dict_copy(&vout->metadata, vin->metadata, 0);
  std::vector<std::unique_ptr<TrackEncoder>> encoders;
  for (size_t i = 0; i < tracks.size(); ++i) {
    auto enc = std::make_unique<TrackEncoder>();
    const int bit_rate = options.audio_bit_rate > 0 ? options.audio_bit_rate : container->audio_bit_rate;
    if (auto ok = enc->open(container->audio_encoder, bit_rate, out.get(), tracks[i], static_cast<int>(i)); !ok) return ok.error();
    encoders.push_back(std::move(enc));
  }
  av_dict_set(&out->metadata, "encoder", "obs-bgm", 0);
  for (const auto& [key, value] : options.metadata) av_dict_set(&out->metadata, key.c_str(), value.c_str(), 0);
  if ((err = avio_open(&out->pb, ff::file_url(atomic.temp_path()).c_str(), AVIO_FLAG_WRITE)) < 0) return ff::write_failure(output, err);
  AVDictionary* header_options = nullptr;
  if (options.faststart && (std::string(container->muxer) == "mp4" || std::string(container->muxer) == "mov"))
    av_dict_set(&header_options, "movflags", "+faststart", 0);
  err = avformat_write_header(out.get(), &header_options);
  av_dict_free(&header_options);
  if (err < 0) return ff::write_failure(output, err);

  const double tb = av_q2d(vin->time_base);
  const int64_t start = vin->start_time != AV_NOPTS_VALUE ? vin->start_time : 0;
  ff::PacketPtr pkt(av_packet_alloc());
  double last_report = 0;
  while (av_read_frame(in.get(), pkt.get()) >= 0) {
    if (pkt->stream_index != vindex) {
      av_packet_unref(pkt.get());
      continue;
    }
    const double t = pkt->dts != AV_NOPTS_VALUE ? static_cast<double>(pkt->dts - start) * tb : 0.0;
    if (duration_s > 0 && pkt->pts != AV_NOPTS_VALUE && static_cast<double>(pkt->pts - start) * tb >= duration_s + 1e-6) {
      av_packet_unref(pkt.get());
      continue;  // beyond the scored length (a damaged tail)
    }
    // Audio keeps half a second ahead of the video it plays with, so the muxer interleaves evenly.
    for (auto& enc : encoders)
      if (auto ok = enc->advance(out.get(), t + 0.5, output); !ok) return ok.error();
    // The picture starts at 0 like the sound (streams that start later, such as cuts of a broadcast, stay in sync).
    if (pkt->pts != AV_NOPTS_VALUE) pkt->pts -= start;
    if (pkt->dts != AV_NOPTS_VALUE) pkt->dts -= start;
    av_packet_rescale_ts(pkt.get(), vin->time_base, vout->time_base);
    pkt->stream_index = vout->index;
    pkt->pos = -1;
    if ((err = av_interleaved_write_frame(out.get(), pkt.get())) < 0) return ff::write_failure(output, err);
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (progress && duration_s > 0 && t - last_report > 5) {
      last_report = t;
      progress(Stage::kExporting, std::min(1.0, t / duration_s));
    }
  }
  for (auto& enc : encoders)
    if (auto ok = enc->finish(out.get(), output); !ok) return ok.error();
  if ((err = av_write_trailer(out.get())) < 0) return ff::write_failure(output, err);
  avio_flush(out->pb);
  if (out->pb->error < 0) return ff::write_failure(output, out->pb->error);
  avio_closep(&out->pb);
  if (auto ok = atomic.commit(); !ok) return ok.error();
  return atomic.destination();
}

}  // namespace bgm
