#pragma once
// Long audio encoded into packets, in order, for a muxer to write: one encoder, or for AAC several at once.
// AAC frames carry no state in the bitstream (only their 1024-sample overlap), so a long piece is cut into chunks
// on the frame grid and each chunk is encoded on its own thread by its own encoder, started a few frames early
// (the warm-up, whose packets are dropped) so its window choice and rate control have settled when its first kept
// packet overlaps the previous chunk's last one; the packets then join as if one encoder had made them.
// Other codecs (LAME's bit reservoir, Opus's predicted energies) keep state between frames and use one encoder.
// Thread: opened and read on one thread; with threads > 1 its helper threads read `audio` at the same time, so
// that is done only when the audio allows it (AudioFrames::reads_from_any_thread); they stop when it is destroyed.

#include <memory>
#include <string>

#include "audio/audio_frames.h"
#include "core/result.h"
#include "media/ffmpeg_handles.h"

namespace bgm {

struct AudioCodecSetup {
  std::string encoder;              // FFmpeg's encoder name: "aac", "libopus", "libmp3lame", "flac", "pcm_s24le"
  int sample_rate = 0;              // of the packets; 0: the audio's own (Opus asks for 48 kHz)
  AVSampleFormat sample_format = AV_SAMPLE_FMT_NONE;  // NONE: the encoder's first
  int bit_rate = 0;                 // lossy codecs
  int bits_per_raw_sample = 0;      // PCM and FLAC (24)
  bool global_header = false;       // the container keeps the codec's setup in its header (MP4, MKV)
  int threads = 1;                  // encoders at once (AAC only, at the audio's own rate; others use one)
};

class AudioPacketEncoder {
 public:
  // Errors: kUnsupported (this FFmpeg lacks the encoder), kMedia (it refused the settings).
  static Result<std::unique_ptr<AudioPacketEncoder>> open(const AudioFrames& audio, const AudioCodecSetup& setup);
  virtual ~AudioPacketEncoder() = default;

  // The encoder's settings, for the stream's parameters; packets are timed in its time base (1/sample rate).
  virtual const AVCodecContext& context() const = 0;
  // How many encoders run at once.
  virtual int threads() const = 0;
  // The next packet in order, moved into `packet`: true, or false after the last. Blocks while its chunk is being
  // encoded. Errors: kMedia (the encoder failed), kIo (the audio could not be read back).
  virtual Result<bool> next(AVPacket* packet) = 0;
};

}  // namespace bgm
