#pragma once
// A file-backed store for audio too long to hold in memory (an hour of stereo float is 1.4 GB): written front to
// back, then read at random through AudioFrames. Its file is created in a folder the caller chooses (beside the
// output, so a tmpfs /tmp cannot turn it back into memory) and unlinked at once: nothing is left behind, even
// if the process is killed. About 23 MB of disk per minute of audio.
// Thread: one thread appends; after finish(), read_at may be called from any threads at once (it uses pread).
// Or several threads write stretches of their own at once (write_at), and then one calls written().

#include <atomic>
#include <filesystem>
#include <string>

#include "audio/audio_frames.h"
#include "core/result.h"

namespace bgm {

class AudioStore final : public AudioFrames {
 public:
  // Errors: kIo (the folder cannot hold a temporary file; the message says which folder and why).
  static Result<AudioStore> create(const std::filesystem::path& dir, int sample_rate);
  AudioStore(AudioStore&& other) noexcept;
  AudioStore& operator=(AudioStore&& other) noexcept;
  AudioStore(const AudioStore&) = delete;
  AudioStore& operator=(const AudioStore&) = delete;
  ~AudioStore() override;

  // Errors: kIo (full disk: the message says where and how much a minute of audio needs).
  Status append(const float* left, const float* right, size_t count);
  // Writes out what is still buffered (reads see every appended frame either way).
  Status finish();

  // Instead of appending: frames [first, first + count) written in place, from any thread (each its own frames);
  // then, once every writer is done, written(frames) makes frames [0, frames) readable.
  // Errors: kIo, as append.
  Status write_at(size_t first, const float* left, const float* right, size_t count) const;
  void written(size_t frames);

  // Gives the disk space back now; the store then reads as silence.
  void discard();

  // A gain applied as the audio is read back (a master's final trim), 1 by default.
  void set_read_gain(float gain) { read_gain_ = gain; }

  int sample_rate() const override { return rate_; }
  size_t frames() const override { return frames_; }
  void read_at(size_t first, float* left, float* right, size_t count) const override;
  Status status() const override;
  bool reads_from_any_thread() const override { return true; }

 private:
  AudioStore(int fd, std::filesystem::path dir, int rate);
  Status flush();
  Status write_interleaved(const float* frames, size_t count, size_t first) const;

  int fd_ = -1;
  std::filesystem::path dir_;
  int rate_ = 0;
  size_t frames_ = 0;   // appended
  size_t written_ = 0;  // of which in the file
  float read_gain_ = 1.0f;
  std::vector<float> pending_;  // interleaved frames not yet written
  mutable std::atomic<bool> read_failed_{false};
};

}  // namespace bgm
