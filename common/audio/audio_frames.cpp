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
  // Scratch on the stack, piece by piece: reads from several threads at once share nothing.
  constexpr size_t kPiece = 1024;
  float l[kPiece], r[kPiece], g[kPiece];
  for (size_t done = 0; done < have; done += kPiece) {
    const size_t n = std::min(kPiece, have - done);
    float* out_l = left + done;
    float* out_r = right + done;
    for (const MixInput& in : inputs_) {
      in.audio->read_at(first + done + in.offset, l, r, n);
      if (in.curve) {
        in.curve->gains(first + done, g, n);
        for (size_t k = 0; k < n; ++k) {
          const float gain = in.gain * g[k];
          out_l[k] += l[k] * gain, out_r[k] += r[k] * gain;
        }
      } else {
        for (size_t k = 0; k < n; ++k) out_l[k] += l[k] * in.gain, out_r[k] += r[k] * in.gain;
      }
    }
  }
}

bool MixFrames::reads_from_any_thread() const {
  return std::all_of(inputs_.begin(), inputs_.end(), [](const MixInput& in) {
    return in.audio->reads_from_any_thread() && (!in.curve || in.curve->reads_from_any_thread());
  });
}

Status MixFrames::status() const {
  for (const MixInput& in : inputs_)
    if (auto ok = in.audio->status(); !ok) return ok;
  return {};
}

}  // namespace bgm
