#pragma once
// Long stereo audio read at random in chunks, whatever holds it: a buffer in memory, a file-backed store
// (audio/audio_store.h), or a view computed on the fly (a gain curve, a sum, a window). The engine's passes over
// a recording read through this, so an hour of audio never has to be in memory at once.
// Thread: a view and the frames it reads belong to one thread (views keep scratch space); AudioStore says more.

#include <cstddef>
#include <functional>
#include <vector>

#include "audio/audio_buffer.h"
#include "core/result.h"

namespace bgm {

class AudioFrames {
 public:
  virtual ~AudioFrames() = default;
  virtual int sample_rate() const = 0;
  virtual size_t frames() const = 0;
  // Copies frames [first, first + count) into `left` and `right`; frames past the end read as silence, and so
  // does a read that failed (the failure is then reported by status()).
  virtual void read_at(size_t first, float* left, float* right, size_t count) const = 0;
  // A read that failed (a temporary file that could not be read back), else success.
  virtual Status status() const { return {}; }
  // Whether read_at may be called from several threads at once (a store or a buffer; not a view with scratch).
  virtual bool reads_from_any_thread() const { return false; }

  double seconds() const { return static_cast<double>(frames()) / sample_rate(); }
};

// Calls `fn(first, left, right, count)` over the whole of `audio` in order, in chunks of at most `chunk` frames;
// stops at the first error fn returns, and reports a failed read after the last chunk.
using ChunkFn = std::function<Status(size_t first, const float* left, const float* right, size_t count)>;
constexpr size_t kChunkFrames = 16384;
Status for_each_chunk(const AudioFrames& audio, const ChunkFn& fn, size_t chunk = kChunkFrames);

// The whole of `audio` in memory: for short audio and tests only.
AudioBuffer to_buffer(const AudioFrames& audio);

// Reads a buffer in place (the buffer must outlive the view).
class BufferFrames final : public AudioFrames {
 public:
  explicit BufferFrames(const AudioBuffer& audio) : audio_(audio) {}
  int sample_rate() const override { return audio_.sample_rate; }
  size_t frames() const override { return audio_.frames(); }
  void read_at(size_t first, float* left, float* right, size_t count) const override;
  bool reads_from_any_thread() const override { return true; }

 private:
  const AudioBuffer& audio_;
};

// A gain for every frame (a ducking curve, a fade).
class GainCurve {
 public:
  virtual ~GainCurve() = default;
  // The gains of frames [first, first + count).
  virtual void gains(size_t first, float* out, size_t count) const = 0;
  // Whether gains may be called from several threads at once (a curve that keeps no state between calls).
  virtual bool reads_from_any_thread() const { return false; }
};

// One input of a MixFrames view: `audio` from frame `offset` on, times `gain` and the curve (if any).
struct MixInput {
  const AudioFrames* audio = nullptr;
  float gain = 1.0f;
  const GainCurve* curve = nullptr;
  size_t offset = 0;
};

// The sum of its inputs over `frames` frames: a window of one input, a loop's overhang folded onto its start (the
// same input again at an offset), a bed of music under a recording.
class MixFrames final : public AudioFrames {
 public:
  MixFrames(std::vector<MixInput> inputs, size_t frames, int sample_rate);
  int sample_rate() const override { return rate_; }
  size_t frames() const override { return frames_; }
  void read_at(size_t first, float* left, float* right, size_t count) const override;
  Status status() const override;
  // When every input and every curve may be read from any thread.
  bool reads_from_any_thread() const override;

 private:
  std::vector<MixInput> inputs_;
  size_t frames_;
  int rate_;
};

}  // namespace bgm
