#include "media/audio_encoder.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/atomic_file.h"
#include "media/ff_output.h"
#include "media/media_input.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace bgm {
namespace {

struct FormatInfo {
  const char* ext;
  const char* muxer;
  const char* encoder;
  AVSampleFormat sample_format;
  int bits;      // for PCM/FLAC
  int bit_rate;  // for the lossy ones, unless the options name one
};

const FormatInfo kFormats[] = {
    {"wav", "wav", "pcm_s24le", AV_SAMPLE_FMT_S32, 24, 0},
    {"flac", "flac", "flac", AV_SAMPLE_FMT_S32, 24, 0},
    {"mp3", "mp3", "libmp3lame", AV_SAMPLE_FMT_FLTP, 0, 192000},
    {"m4a", "ipod", "aac", AV_SAMPLE_FMT_FLTP, 0, ff::kAacBitRate},
    {"aac", "adts", "aac", AV_SAMPLE_FMT_FLTP, 0, ff::kAacBitRate},
};

const FormatInfo* format_for(const std::string& ext) {
  for (const auto& f : kFormats)
    if (ext == f.ext) return &f;
  return nullptr;
}

class Encoder {
 public:
  Status open(const FormatInfo& fmt, const std::filesystem::path& path, int rate, const AudioWriteOptions& opts) {
    path_ = path;
    AVFormatContext* raw = nullptr;
    int err = avformat_alloc_output_context2(&raw, nullptr, fmt.muxer, path.c_str());
    if (err < 0 || !raw) return make_error(ErrorCode::kMedia, "FFmpeg has no " + std::string(fmt.muxer) + " muxer.");
    out_.reset(raw);
    const AVCodec* codec = avcodec_find_encoder_by_name(fmt.encoder);
    if (!codec) return make_error(ErrorCode::kUnsupported, "This FFmpeg build has no " + std::string(fmt.encoder) + " encoder; choose WAV or FLAC.");
    ctx_.reset(avcodec_alloc_context3(codec));
    ctx_->sample_rate = rate;
    ctx_->sample_fmt = fmt.sample_format;
    av_channel_layout_default(&ctx_->ch_layout, 2);
    ctx_->time_base = AVRational{1, rate};
    if (fmt.bits) ctx_->bits_per_raw_sample = fmt.bits;
    else ctx_->bit_rate = opts.bitrate > 0 ? opts.bitrate : fmt.bit_rate;
    if (out_->oformat->flags & AVFMT_GLOBALHEADER) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if ((err = avcodec_open2(ctx_.get(), codec, nullptr)) < 0)
      return make_error(ErrorCode::kMedia, "Could not start the " + std::string(fmt.encoder) + " encoder: " + ff::error_text(err));
    AVStream* st = avformat_new_stream(out_.get(), nullptr);
    if (!st) return make_error(ErrorCode::kMedia, "Could not add an audio stream.");
    avcodec_parameters_from_context(st->codecpar, ctx_.get());
    st->time_base = ctx_->time_base;
    stream_ = st;
    for (const auto& [k, v] : opts.metadata) av_dict_set(&out_->metadata, k.c_str(), v.c_str(), 0);
    if (!(out_->oformat->flags & AVFMT_NOFILE)) {
      if ((err = avio_open(&out_->pb, ff::file_url(path).c_str(), AVIO_FLAG_WRITE)) < 0) return ff::write_failure(path, err);
    }
    if ((err = avformat_write_header(out_.get(), nullptr)) < 0) return ff::write_failure(path, err);

    SwrContext* swr = nullptr;
    AVChannelLayout stereo{};  // zeroed: av_channel_layout_copy() frees what the target held
    av_channel_layout_default(&stereo, 2);
    err = swr_alloc_set_opts2(&swr, &stereo, ctx_->sample_fmt, rate, &stereo, AV_SAMPLE_FMT_FLTP, rate, 0, nullptr);
    if (err < 0 || swr_init(swr) < 0) {
      swr_free(&swr);
      return make_error(ErrorCode::kMedia, "Could not set up sample conversion.");
    }
    swr_.reset(swr);
    frame_size_ = ctx_->frame_size > 0 ? ctx_->frame_size : 4096;
    variable_last_ = ctx_->frame_size == 0 || (codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) ||
                     (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE);
    packet_.reset(av_packet_alloc());
    return {};
  }

  // Encodes `count` frames of planar float starting at `l` and `r`.
  Status write(const float* l, const float* r, int count) {
    FramePtr frame(av_frame_alloc());
    frame->nb_samples = count;
    frame->format = ctx_->sample_fmt;
    frame->sample_rate = ctx_->sample_rate;
    av_channel_layout_copy(&frame->ch_layout, &ctx_->ch_layout);
    int err = av_frame_get_buffer(frame.get(), 0);
    if (err < 0) return make_error(ErrorCode::kMedia, "Out of memory for an audio frame.");
    const uint8_t* in[2] = {reinterpret_cast<const uint8_t*>(l), reinterpret_cast<const uint8_t*>(r)};
    if (swr_convert(swr_.get(), frame->data, count, in, count) != count)
      return make_error(ErrorCode::kMedia, "Sample conversion failed.");
    frame->pts = pts_;
    pts_ += count;
    return send(frame.get());
  }

  Status finish() {
    if (auto ok = send(nullptr); !ok) return ok;
    const int err = av_write_trailer(out_.get());
    if (err < 0) return ff::write_failure(path_, err);
    if (out_->pb) {
      avio_flush(out_->pb);
      if (out_->pb->error < 0) return ff::write_failure(path_, out_->pb->error);
      avio_closep(&out_->pb);
    }
    return {};
  }

  int frame_size() const { return frame_size_; }
  bool variable_last_frame() const { return variable_last_; }

 private:
  using FramePtr = ff::FramePtr;

  Status send(AVFrame* frame) {
    const int err = avcodec_send_frame(ctx_.get(), frame);
    if (err < 0) return make_error(ErrorCode::kMedia, "The audio encoder refused a frame: " + ff::error_text(err));
    return ff::drain_encoder(ctx_.get(), out_.get(), stream_, packet_.get(), path_);
  }

  std::filesystem::path path_;
  ff::OutputPtr out_;
  ff::CodecContextPtr ctx_;
  ff::SwrPtr swr_;
  ff::PacketPtr packet_;
  AVStream* stream_ = nullptr;
  int64_t pts_ = 0;
  int frame_size_ = 4096;
  bool variable_last_ = true;
};

}  // namespace

std::string supported_audio_extensions() {
  std::string out;
  for (const auto& f : kFormats) out += (out.empty() ? "" : ", ") + std::string(f.ext);
  return out;
}

bool is_supported_audio_extension(const std::string& ext) { return format_for(ext) != nullptr; }

bool is_lossy_extension(const std::string& ext) {
  return ext == "mp3" || ext == "m4a" || ext == "aac" || ext == "mp4" || ext == "mov" || ext == "mkv" || ext == "webm";
}

Result<std::filesystem::path> write_audio_file(const AudioFrames& audio, const std::filesystem::path& path, const AudioWriteOptions& options,
                                               const CancelToken* cancel, const ProgressFn& progress) {
  const std::string ext = lower_extension(path);
  const FormatInfo* fmt = format_for(ext);
  if (!fmt) {
    return make_error(ErrorCode::kUnsupported, "Cannot write '." + ext + "' files. Use one of: " + supported_audio_extensions() + ".");
  }
  if (auto ok = check_writable_output(path); !ok) return ok.error();
  AtomicOutput out(path, OutputPolicy{options.keep_existing, false});
  Encoder enc;
  if (auto ok = enc.open(*fmt, out.temp_path(), audio.sample_rate(), options); !ok) return ok.error();

  const size_t total = audio.frames();
  const auto step = static_cast<size_t>(enc.frame_size());
  std::vector<float> l(step), r(step);
  size_t last_report = 0;
  for (size_t pos = 0; pos < total; pos += step) {
    size_t n = std::min(step, total - pos);
    // An encoder that needs whole frames gets the last one padded with silence (read past the end); its
    // container records the real length.
    if (!enc.variable_last_frame()) n = step;
    audio.read_at(pos, l.data(), r.data(), n);
    if (auto ok = enc.write(l.data(), r.data(), static_cast<int>(n)); !ok) return ok.error();
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (progress && pos - last_report >= static_cast<size_t>(audio.sample_rate()) * 10) {
      last_report = pos;
      progress(Stage::kExporting, static_cast<double>(pos) / static_cast<double>(total));
    }
  }
  if (auto ok = audio.status(); !ok) return ok.error();
  if (auto ok = enc.finish(); !ok) return ok.error();
  if (auto ok = out.commit(); !ok) return ok.error();
  return out.destination();
}

}  // namespace bgm
