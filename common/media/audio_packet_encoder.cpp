#include "media/audio_packet_encoder.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

extern "C" {
#include <libavcodec/version.h>
#include <libavutil/channel_layout.h>
}

namespace bgm {
namespace {

// Chunks are at most 30 s and at least 5 s, as many as keeps every encoder busy to the end (a multiple of the
// threads), all the same length but the last, which is a little shorter.
constexpr double kMaxChunkSeconds = 30.0;
constexpr double kMinChunkSeconds = 5.0;
constexpr size_t kAacFrame = 1024;
// Frames encoded before a chunk and dropped (2 s): the window choice looks a frame ahead and back, and the
// psychoacoustic model's attack detection a few frames back, but the rate control starts every encoder at a low
// quality and raises it by at most 10% a frame. Measured on rendered music (FFmpeg 5.1): with 16 frames the first
// blocks after a seam came out up to 11 dB noisier than one encoder's; with 94 no block at a seam is noisier than
// the one encoder's worst 1% of the same piece, and on steady tones the chunks' output equals it.
constexpr int kWarmupFrames = 94;
// Frames encoded after a chunk so its last kept packet is complete (the encoder holds one frame back and a packet
// overlaps the next frame): the next chunk's audio, never silence.
constexpr int kTailFrames = 3;

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

// One encoder fed from the audio: sample conversion, frames of the encoder's size, its packets collected.
class FrameFeeder {
 public:
  Status open(const AVCodec* codec, const AudioCodecSetup& setup, int audio_rate) {
    ctx_.reset(avcodec_alloc_context3(codec));
    if (!ctx_) return make_error(ErrorCode::kMedia, "Out of memory for an audio encoder.");
    ctx_->sample_rate = setup.sample_rate > 0 ? setup.sample_rate : audio_rate;
    ctx_->sample_fmt = setup.sample_format != AV_SAMPLE_FMT_NONE ? setup.sample_format : preferred_sample_format(codec);
    av_channel_layout_default(&ctx_->ch_layout, 2);
    ctx_->time_base = AVRational{1, ctx_->sample_rate};
    if (setup.bits_per_raw_sample > 0) ctx_->bits_per_raw_sample = setup.bits_per_raw_sample;
    else ctx_->bit_rate = setup.bit_rate;
    if (setup.global_header) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (const int err = avcodec_open2(ctx_.get(), codec, nullptr); err < 0)
      return make_error(ErrorCode::kMedia, "Could not start the " + setup.encoder + " encoder: " + ff::error_text(err));
    SwrContext* swr = nullptr;
    AVChannelLayout stereo{};  // zeroed: av_channel_layout_copy() frees what the target held
    av_channel_layout_default(&stereo, 2);
    if (swr_alloc_set_opts2(&swr, &stereo, ctx_->sample_fmt, ctx_->sample_rate, &stereo, AV_SAMPLE_FMT_FLTP, audio_rate, 0, nullptr) < 0 ||
        swr_init(swr) < 0) {
      swr_free(&swr);
      return make_error(ErrorCode::kMedia, "Could not set up sample conversion.");
    }
    swr_.reset(swr);
    resampled_ = ctx_->sample_rate != audio_rate;
    frame_size_ = ctx_->frame_size > 0 ? static_cast<size_t>(ctx_->frame_size) : 4096;
    whole_frames_ = ctx_->frame_size > 0 && !(codec->capabilities & (AV_CODEC_CAP_SMALL_LAST_FRAME | AV_CODEC_CAP_VARIABLE_FRAME_SIZE));
    return {};
  }

  const AVCodecContext& context() const { return *ctx_; }
  size_t frame_size() const { return frame_size_; }
  // Whether the last frame must be whole (padded with silence; the container records the real length).
  bool whole_frames() const { return whole_frames_; }
  void start_at(int64_t pts) { pts_ = pts; }

  // Sends frames [first, first + count) of `audio`.
  Status send(const AudioFrames& audio, size_t first, size_t count) {
    l_.resize(count), r_.resize(count);
    audio.read_at(first, l_.data(), r_.data(), count);
    const uint8_t* in[2] = {reinterpret_cast<const uint8_t*>(l_.data()), reinterpret_cast<const uint8_t*>(r_.data())};
    return convert_and_send(in, static_cast<int>(count));
  }

  // Sends what the conversion still holds, then the end of the stream.
  Status finish() {
    if (resampled_)
      if (auto ok = convert_and_send(nullptr, 0); !ok) return ok;
    return encode(nullptr);
  }

  // Moves every packet the encoder has ready to `take`.
  template <typename Take>
  Status receive(Take&& take) {
    for (;;) {
      ff::PacketPtr packet(av_packet_alloc());
      if (!packet) return make_error(ErrorCode::kMedia, "Out of memory for an audio packet.");
      const int err = avcodec_receive_packet(ctx_.get(), packet.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
      if (err < 0) return make_error(ErrorCode::kMedia, "Encoding the audio failed: " + ff::error_text(err));
      take(std::move(packet));
    }
  }

 private:
  Status convert_and_send(const uint8_t** in, int count) {
    const int room = swr_get_out_samples(swr_.get(), count);
    if (room <= 0) return {};
    ff::FramePtr frame(av_frame_alloc());
    frame->nb_samples = room;
    frame->format = ctx_->sample_fmt;
    frame->sample_rate = ctx_->sample_rate;
    av_channel_layout_copy(&frame->ch_layout, &ctx_->ch_layout);
    if (av_frame_get_buffer(frame.get(), 0) < 0) return make_error(ErrorCode::kMedia, "Out of memory for an audio frame.");
    const int got = swr_convert(swr_.get(), frame->data, room, in, count);
    if (got < 0) return make_error(ErrorCode::kMedia, "Sample conversion failed.");
    if (got == 0) return {};
    frame->nb_samples = got;
    frame->pts = pts_;
    pts_ += got;
    return encode(frame.get());
  }

  Status encode(const AVFrame* frame) {
    const int err = avcodec_send_frame(ctx_.get(), frame);
    if (err < 0 && err != AVERROR_EOF) return make_error(ErrorCode::kMedia, "The audio encoder refused a frame: " + ff::error_text(err));
    return {};
  }

  ff::CodecContextPtr ctx_;
  ff::SwrPtr swr_;
  std::vector<float> l_, r_;
  int64_t pts_ = 0;
  size_t frame_size_ = 4096;
  bool whole_frames_ = false;
  bool resampled_ = false;
};

// How many frames to send at `pos`: a frame, or what is left (padded to a frame where the encoder needs it).
size_t frame_at(const FrameFeeder& feeder, size_t pos, size_t end) {
  const size_t n = std::min(feeder.frame_size(), end - pos);
  return feeder.whole_frames() ? feeder.frame_size() : n;
}

// One encoder from start to end, a frame per request.
class SerialEncoder final : public AudioPacketEncoder {
 public:
  SerialEncoder(const AudioFrames& audio) : audio_(audio) {}
  Status open(const AVCodec* codec, const AudioCodecSetup& setup) { return feeder_.open(codec, setup, audio_.sample_rate()); }

  const AVCodecContext& context() const override { return feeder_.context(); }
  int threads() const override { return 1; }

  Result<bool> next(AVPacket* packet) override {
    while (ready_.empty() && !ended_) {
      const size_t total = audio_.frames();
      if (pos_ < total) {
        const size_t n = frame_at(feeder_, pos_, total);
        if (auto ok = feeder_.send(audio_, pos_, n); !ok) return ok.error();
        pos_ += std::min(n, total - pos_);
      } else {
        if (auto ok = audio_.status(); !ok) return ok.error();
        if (auto ok = feeder_.finish(); !ok) return ok.error();
        ended_ = true;
      }
      if (auto ok = feeder_.receive([&](ff::PacketPtr p) { ready_.push_back(std::move(p)); }); !ok) return ok.error();
    }
    if (ready_.empty()) return false;
    av_packet_move_ref(packet, ready_.front().get());
    ready_.pop_front();
    return true;
  }

 private:
  const AudioFrames& audio_;
  FrameFeeder feeder_;
  std::deque<ff::PacketPtr> ready_;
  size_t pos_ = 0;
  bool ended_ = false;
};

// AAC in chunks on several threads (see the header). At most threads + 1 chunks are encoded ahead of the reader.
class ChunkedEncoder final : public AudioPacketEncoder {
 public:
  ChunkedEncoder(const AudioFrames& audio, const AVCodec* codec, AudioCodecSetup setup, size_t chunk_frames, size_t chunks)
      : audio_(audio), codec_(codec), setup_(std::move(setup)), chunk_frames_(chunk_frames), chunks_(chunks) {}

  ~ChunkedEncoder() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    for (auto& t : workers_) t.join();
  }

  Status open() {
    if (auto ok = parameters_.open(codec_, setup_, audio_.sample_rate()); !ok) return ok;
    for (int i = 0; i < setup_.threads; ++i) workers_.emplace_back([this] { work(); });
    return {};
  }

  const AVCodecContext& context() const override { return parameters_.context(); }
  int threads() const override { return setup_.threads; }

  Result<bool> next(AVPacket* packet) override {
    std::unique_lock lock(mutex_);
    while (reading_ < chunks_.size()) {
      Chunk& chunk = chunks_[reading_];
      changed_.wait(lock, [&] { return chunk.done; });
      if (chunk.error) return *chunk.error;
      if (taken_ < chunk.packets.size()) {
        av_packet_move_ref(packet, chunk.packets[taken_++].get());
        return true;
      }
      chunk.packets.clear();
      chunk.packets.shrink_to_fit();
      ++reading_;
      taken_ = 0;
      changed_.notify_all();  // room for one more chunk ahead
    }
    if (auto ok = audio_.status(); !ok) return ok.error();
    return false;
  }

 private:
  struct Chunk {
    std::vector<ff::PacketPtr> packets;
    std::optional<Error> error;
    bool done = false;
  };

  void work() {
    for (;;) {
      size_t index = 0;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || claimed_ >= chunks_.size() || claimed_ < reading_ + setup_.threads + 1; });
        if (stop_ || claimed_ >= chunks_.size()) return;
        index = claimed_++;
      }
      std::vector<ff::PacketPtr> packets;
      Status status = encode_chunk(index, packets);
      {
        std::lock_guard lock(mutex_);
        chunks_[index].packets = std::move(packets);
        if (!status) chunks_[index].error = status.error();
        chunks_[index].done = true;
      }
      changed_.notify_all();
    }
  }

  bool stopping() {
    std::lock_guard lock(mutex_);
    return stop_;
  }

  // Encodes chunk `index` into `packets`: the packets whose time falls in the chunk (the first chunk keeps the
  // encoder's priming packet before 0, the last one everything to the end).
  Status encode_chunk(size_t index, std::vector<ff::PacketPtr>& packets) {
    FrameFeeder feeder;
    if (auto ok = feeder.open(codec_, setup_, audio_.sample_rate()); !ok) return ok;
    const size_t total = audio_.frames();
    const size_t step = feeder.frame_size();
    const bool first = index == 0, last = index + 1 == chunks_.size();
    const size_t begin = index * chunk_frames_;
    const size_t end = last ? total : begin + chunk_frames_;
    const size_t from = first ? 0 : begin - std::min(begin, kWarmupFrames * step);
    const size_t to = last ? total : std::min(total, end + kTailFrames * step);
    auto keep = [&](ff::PacketPtr p) {
      const int64_t t = p->pts;
      if ((first || t >= static_cast<int64_t>(begin)) && (last || t < static_cast<int64_t>(end))) packets.push_back(std::move(p));
    };
    feeder.start_at(static_cast<int64_t>(from));
    for (size_t pos = from; pos < to;) {
      const size_t n = frame_at(feeder, pos, to);
      if (auto ok = feeder.send(audio_, pos, n); !ok) return ok;
      if (auto ok = feeder.receive(keep); !ok) return ok;
      pos += std::min(n, to - pos);
      if (stopping()) return {};
    }
    if (auto ok = audio_.status(); !ok) return ok;  // a failed read ends the file here, not chunks later
    // The end of the stream, also for a chunk that stops before it: an encoder is not closed with frames in it.
    if (auto ok = feeder.finish(); !ok) return ok;
    return feeder.receive(keep);
  }

  const AudioFrames& audio_;
  const AVCodec* codec_;
  const AudioCodecSetup setup_;
  const size_t chunk_frames_;
  FrameFeeder parameters_;  // opened only for the stream's parameters
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Chunk> chunks_;  // sized once, before the workers start
  size_t claimed_ = 0;  // chunks handed to a worker
  size_t reading_ = 0;  // the chunk next() reads from
  size_t taken_ = 0;    // packets of it already returned
  bool stop_ = false;
};

}  // namespace

Result<std::unique_ptr<AudioPacketEncoder>> AudioPacketEncoder::open(const AudioFrames& audio, const AudioCodecSetup& setup) {
  const AVCodec* codec = avcodec_find_encoder_by_name(setup.encoder.c_str());
  if (!codec) return make_error(ErrorCode::kUnsupported, "This FFmpeg has no " + setup.encoder + " encoder.");
  const auto rate = static_cast<double>(audio.sample_rate());
  const size_t total = audio.frames();
  const auto threads = static_cast<size_t>(std::max(1, setup.threads));
  const auto most = static_cast<size_t>(kMaxChunkSeconds * rate);
  size_t chunks = (total + most - 1) / most;
  chunks = (chunks + threads - 1) / threads * threads;
  const size_t chunk = (total / chunks + kAacFrame - 1) / kAacFrame * kAacFrame;
  const bool chunked = codec->id == AV_CODEC_ID_AAC && threads > 1 && (setup.sample_rate == 0 || setup.sample_rate == audio.sample_rate()) &&
                       audio.reads_from_any_thread() && chunk >= static_cast<size_t>(kMinChunkSeconds * rate) && chunk * (chunks - 1) < total;
  if (chunked) {
    auto encoder = std::make_unique<ChunkedEncoder>(audio, codec, setup, chunk, chunks);
    if (auto ok = encoder->open(); !ok) return ok.error();
    return std::unique_ptr<AudioPacketEncoder>(std::move(encoder));
  }
  auto encoder = std::make_unique<SerialEncoder>(audio);
  if (auto ok = encoder->open(codec, setup); !ok) return ok.error();
  return std::unique_ptr<AudioPacketEncoder>(std::move(encoder));
}

}  // namespace bgm
