#include "media/audio_encoder.h"

#include <algorithm>

#include "core/atomic_file.h"
#include "media/audio_packet_encoder.h"
#include "media/ff_output.h"
#include "media/media_input.h"

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

// The output file around the packets: the container, its one stream, and the encoder feeding it.
class AudioFileWriter {
 public:
  Status open(const FormatInfo& fmt, const std::filesystem::path& path, const AudioFrames& audio, const AudioWriteOptions& opts) {
    path_ = path;
    AVFormatContext* raw = nullptr;
    int err = avformat_alloc_output_context2(&raw, nullptr, fmt.muxer, path.c_str());
    if (err < 0 || !raw) return make_error(ErrorCode::kMedia, "FFmpeg has no " + std::string(fmt.muxer) + " muxer.");
    out_.reset(raw);
    AudioCodecSetup setup;
    setup.encoder = fmt.encoder;
    setup.sample_format = fmt.sample_format;
    setup.bits_per_raw_sample = fmt.bits;
    setup.bit_rate = opts.bitrate > 0 ? opts.bitrate : fmt.bit_rate;
    setup.global_header = (out_->oformat->flags & AVFMT_GLOBALHEADER) != 0;
    setup.threads = opts.threads;
    auto encoder = AudioPacketEncoder::open(audio, setup);
    if (!encoder) {
      if (encoder.error().code == ErrorCode::kUnsupported)
        return make_error(ErrorCode::kUnsupported, "This FFmpeg build has no " + std::string(fmt.encoder) + " encoder; choose WAV or FLAC.");
      return encoder.error();
    }
    encoder_ = std::move(encoder).value();
    stream_ = avformat_new_stream(out_.get(), nullptr);
    if (!stream_) return make_error(ErrorCode::kMedia, "Could not add an audio stream.");
    avcodec_parameters_from_context(stream_->codecpar, &encoder_->context());
    stream_->time_base = encoder_->context().time_base;
    for (const auto& [k, v] : opts.metadata) av_dict_set(&out_->metadata, k.c_str(), v.c_str(), 0);
    if (!(out_->oformat->flags & AVFMT_NOFILE)) {
      if ((err = avio_open(&out_->pb, ff::file_url(path).c_str(), AVIO_FLAG_WRITE)) < 0) return ff::write_failure(path, err);
    }
    if ((err = avformat_write_header(out_.get(), nullptr)) < 0) return ff::write_failure(path, err);
    packet_.reset(av_packet_alloc());
    return {};
  }

  // Writes every packet, then the container's trailer.
  Status write(const AudioFrames& audio, const CancelToken* cancel, const ProgressFn& progress) {
    const AVRational tb = encoder_->context().time_base;
    const double total_s = audio.seconds();
    double last_report = 0;
    for (;;) {
      auto got = encoder_->next(packet_.get());
      if (!got) return got.error();
      if (!*got) break;
      const double at = static_cast<double>(packet_->pts) * av_q2d(tb);
      av_packet_rescale_ts(packet_.get(), tb, stream_->time_base);
      packet_->stream_index = stream_->index;
      if (const int err = av_interleaved_write_frame(out_.get(), packet_.get()); err < 0) return ff::write_failure(path_, err);
      if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
      if (progress && total_s > 0 && at - last_report >= 10) {
        last_report = at;
        progress(Stage::kExporting, std::min(1.0, at / total_s));
      }
    }
    if (const int err = av_write_trailer(out_.get()); err < 0) return ff::write_failure(path_, err);
    if (out_->pb) {
      avio_flush(out_->pb);
      if (out_->pb->error < 0) return ff::write_failure(path_, out_->pb->error);
      avio_closep(&out_->pb);
    }
    return {};
  }

 private:
  std::filesystem::path path_;
  ff::OutputPtr out_;
  std::unique_ptr<AudioPacketEncoder> encoder_;  // after out_: its threads stop before the file closes
  AVStream* stream_ = nullptr;
  ff::PacketPtr packet_;
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
  AudioFileWriter writer;
  if (auto ok = writer.open(*fmt, out.temp_path(), audio, options); !ok) return ok.error();
  if (auto ok = writer.write(audio, cancel, progress); !ok) return ok.error();
  if (auto ok = out.commit(); !ok) return ok.error();
  return out.destination();
}

}  // namespace bgm
