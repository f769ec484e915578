#include "media/muxer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/atomic_file.h"
#include "media/audio_packet_encoder.h"
#include "media/ff_output.h"
#include "media/media_input.h"
#include "media/video_input.h"

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

const Container* container_for(const std::string& ext) {
  for (const auto& c : kContainers)
    if (ext == c.ext) return &c;
  return nullptr;
}

// One audio track, encoded from its audio as the video advances.
class TrackWriter {
 public:
  Status open(const Container& container, int bit_rate, int threads, AVFormatContext* out, const MuxAudioTrack& track, int index) {
    AudioCodecSetup setup;
    setup.encoder = container.audio_encoder;
    if (std::string(container.audio_encoder) == "libopus") setup.sample_rate = 48000;
    setup.bit_rate = bit_rate;
    setup.global_header = (out->oformat->flags & AVFMT_GLOBALHEADER) != 0;
    setup.threads = threads;
    auto encoder = AudioPacketEncoder::open(*track.audio, setup);
    if (!encoder) return encoder.error();
    encoder_ = std::move(encoder).value();
    stream_ = avformat_new_stream(out, nullptr);
    if (!stream_) return make_error(ErrorCode::kMedia, "Could not add an audio stream.");
    avcodec_parameters_from_context(stream_->codecpar, &encoder_->context());
    stream_->time_base = encoder_->context().time_base;
    av_dict_set(&stream_->metadata, "title", track.title.c_str(), 0);
    av_dict_set(&stream_->metadata, "handler_name", track.title.c_str(), 0);
    stream_->disposition = index == 0 ? AV_DISPOSITION_DEFAULT : 0;
    packet_.reset(av_packet_alloc());
    return {};
  }

  // Writes the packets that start before `until_s` seconds (all of them when negative).
  Status advance(AVFormatContext* out, double until_s, const std::filesystem::path& path) {
    const AVRational tb = encoder_->context().time_base;
    for (;;) {
      if (!held_ && !ended_) {
        auto got = encoder_->next(packet_.get());
        if (!got) return got.error();
        held_ = *got;
        ended_ = !*got;
      }
      if (!held_ || (until_s >= 0 && static_cast<double>(packet_->pts) * av_q2d(tb) >= until_s)) return {};
      av_packet_rescale_ts(packet_.get(), tb, stream_->time_base);
      packet_->stream_index = stream_->index;
      held_ = false;
      if (const int err = av_interleaved_write_frame(out, packet_.get()); err < 0) return ff::write_failure(path, err);
    }
  }

 private:
  std::unique_ptr<AudioPacketEncoder> encoder_;
  AVStream* stream_ = nullptr;
  ff::PacketPtr packet_;
  bool held_ = false;   // packet_ holds the next packet, not yet written
  bool ended_ = false;
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
  std::vector<std::unique_ptr<TrackWriter>> encoders;
  for (size_t i = 0; i < tracks.size(); ++i) {
    auto enc = std::make_unique<TrackWriter>();
    const int bit_rate = options.audio_bit_rate > 0 ? options.audio_bit_rate : container->audio_bit_rate;
    if (auto ok = enc->open(*container, bit_rate, options.audio_threads, out.get(), tracks[i], static_cast<int>(i)); !ok) return ok.error();
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
    if (auto ok = enc->advance(out.get(), -1, output); !ok) return ok.error();
  if ((err = av_write_trailer(out.get())) < 0) return ff::write_failure(output, err);
  avio_flush(out->pb);
  if (out->pb->error < 0) return ff::write_failure(output, out->pb->error);
  avio_closep(&out->pb);
  if (auto ok = atomic.commit(); !ok) return ok.error();
  return atomic.destination();
}

}  // namespace bgm
