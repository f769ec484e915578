#include "audio/audio_frames.h"

#include <algorithm>

namespace bgm {

Status for_each_chunk(const AudioFrames& audio, const ChunkFn& fn, size_t chunk) {
  std::vector<float> l(chunk), r(chunk);
  const size_t total = audio.frames();
  for (size_t first = 0; first < total; first += chunk) {
    const size_t n = std::min(chunk, total - first);
    audio.read_at(first, l.data(), r.data(), n);
    if (auto ok = fn(first, l.data(), r.data(), n); !ok) return ok;
  }
  return audio.status();
}

AudioBuffer to_buffer(const AudioFrames& audio) {
  AudioBuffer out(audio.frames(), audio.sample_rate());
  audio.read_at(0, out.left.data(), out.right.data(), out.frames());
  return out;
}

void BufferFrames::read_at(size_t first, float* left, float* right, size_t count) const {
  const size_t total = audio_.frames();
  const size_t have = first < total ? std::min(count, total - first) : 0;
  std::copy_n(audio_.left.begin() + static_cast<long>(first), have, left);
  std::copy_n(audio_.right.begin() + static_cast<long>(first), have, right);
  std::fill(left + have, left + count, 0.0f);
  std::fill(right + have, right + count, 0.0f);
}

MixFrames::MixFrames(std::vector<MixInput> inputs, size_t frames, int sample_rate)
    : inputs_(std::move(inputs)), frames_(frames), rate_(sample_rate) {}

void MixFrames::read_at(size_t first, float* left, float* right, size_t count) const {
  std::fill(left, left + count, 0.0f);
  std::fill(right, right + count, 0.0f);
  const size_t have = first < frames_ ? std::min(count, frames_ - first) : 0;
  if (have == 0) return;
  l_.resize(have), r_.resize(have);
  for (const MixInput& in : inputs_) {
    in.audio->read_at(first + in.offset, l_.data(), r_.data(), have);
    if (in.curve) {
      g_.resize(have);
      in.curve->gains(first, g_.data(), have);
      for (size_t k = 0; k < have; ++k) {
        const float g = in.gain * g_[k];
        left[k] += l_[k] * g, right[k] += r_[k] * g;
      }
    } else {
      for (size_t k = 0; k < have; ++k) left[k] += l_[k] * in.gain, right[k] += r_[k] * in.gain;
    }
  }
}

Status MixFrames::status() const {
  for (const MixInput& in : inputs_)
    if (auto ok = in.audio->status(); !ok) return ok;
  return {};
}

}  // namespace bgm
