#include "audio/audio_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace bgm {
namespace {

constexpr size_t kPendingFrames = 16384;

Error io_error(const std::filesystem::path& dir, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return {ErrorCode::kIo, "The disk holding " + dir.string() +
                                " is full: obs-bgm keeps the audio it works on there (about 25 MB per minute of audio, "
                                "removed when it finishes). Free some space or choose an output folder on another disk."};
  }
  return {ErrorCode::kIo, "Could not use temporary audio in " + dir.string() + ": " + std::strerror(err) + "."};
}

}  // namespace

Result<AudioStore> AudioStore::create(const std::filesystem::path& dir, int sample_rate) {
  const std::filesystem::path folder = dir.empty() ? std::filesystem::path(".") : dir;
  std::string name = (folder / ".obs-bgm-audio-XXXXXX").string();
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return io_error(folder, errno);
  ::unlink(name.c_str());  // the open descriptor keeps it until the store closes it
  return AudioStore(fd, folder, sample_rate);
}

AudioStore::AudioStore(int fd, std::filesystem::path dir, int rate) : fd_(fd), dir_(std::move(dir)), rate_(rate) {
  pending_.reserve(2 * kPendingFrames);
}

AudioStore::AudioStore(AudioStore&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), dir_(std::move(o.dir_)), rate_(o.rate_), frames_(std::exchange(o.frames_, 0)),
      written_(std::exchange(o.written_, 0)),
      read_gain_(o.read_gain_),
      pending_(std::move(o.pending_)), read_failed_(o.read_failed_.load()) {}

AudioStore& AudioStore::operator=(AudioStore&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    dir_ = std::move(o.dir_);
    rate_ = o.rate_;
    frames_ = std::exchange(o.frames_, 0);
    written_ = std::exchange(o.written_, 0);
    read_gain_ = o.read_gain_;
    pending_ = std::move(o.pending_);
    read_failed_.store(o.read_failed_.load());
  }
  return *this;
}

AudioStore::~AudioStore() {
  if (fd_ >= 0) ::close(fd_);
}

void AudioStore::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  frames_ = written_ = 0;
  pending_.clear();
  pending_.shrink_to_fit();
}

Status AudioStore::append(const float* left, const float* right, size_t count) {
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(count - done, kPendingFrames - pending_.size() / 2);
    for (size_t k = done; k < done + n; ++k) pending_.push_back(left[k]), pending_.push_back(right[k]);
    done += n;
    frames_ += n;
    if (pending_.size() / 2 >= kPendingFrames) {
      if (auto ok = flush(); !ok) return ok;
    }
  }
  return {};
}

Status AudioStore::finish() { return flush(); }

Status AudioStore::flush() {
  if (auto ok = write_interleaved(pending_.data(), pending_.size() / 2, written_); !ok) return ok;
  written_ += pending_.size() / 2;
  pending_.clear();
  return {};
}

Status AudioStore::write_interleaved(const float* frames, size_t count, size_t first) const {
  const auto* bytes = reinterpret_cast<const char*>(frames);
  size_t left = 2 * count * sizeof(float);
  auto at = static_cast<off_t>(2 * first * sizeof(float));
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, bytes, left, at);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(dir_, errno);
    }
    bytes += n, left -= static_cast<size_t>(n), at += n;
  }
  return {};
}

Status AudioStore::write_at(size_t first, const float* left, const float* right, size_t count) const {
  std::vector<float> frames(2 * count);
  for (size_t k = 0; k < count; ++k) frames[2 * k] = left[k], frames[2 * k + 1] = right[k];
  return write_interleaved(frames.data(), count, first);
}

void AudioStore::written(size_t frames) { frames_ = written_ = frames; }

void AudioStore::read_at(size_t first, float* left, float* right, size_t count) const {
  std::fill(left, left + count, 0.0f);
  std::fill(right, right + count, 0.0f);
  // From the file: frames [first, written_), a piece at a time through a buffer of this call's own (reads may come
  // from several threads at once).
  const size_t from_file = first < written_ ? std::min(count, written_ - first) : 0;
  constexpr size_t kPiece = 2048;
  float piece[2 * kPiece];
  for (size_t done = 0; done < from_file;) {
    const size_t n = std::min(kPiece, from_file - done);
    auto* bytes = reinterpret_cast<char*>(piece);
    size_t want = 2 * n * sizeof(float);
    auto at = static_cast<off_t>(2 * (first + done) * sizeof(float));
    while (want > 0) {
      const ssize_t got = ::pread(fd_, bytes, want, at);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        read_failed_.store(true);
        return;
      }
      bytes += got, want -= static_cast<size_t>(got), at += got;
    }
    for (size_t k = 0; k < n; ++k) left[done + k] = piece[2 * k], right[done + k] = piece[2 * k + 1];
    done += n;
  }
  // Still in memory: frames [written_, frames_).
  for (size_t k = from_file; k < count; ++k) {
    const size_t i = first + k;
    if (i >= frames_) break;
    const size_t p = 2 * (i - written_);
    left[k] = pending_[p], right[k] = pending_[p + 1];
  }
  if (read_gain_ != 1.0f) {
    for (size_t k = 0; k < count; ++k) left[k] *= read_gain_, right[k] *= read_gain_;
  }
}

Status AudioStore::status() const {
  if (read_failed_.load()) return Error{ErrorCode::kIo, "Could not read back temporary audio in " + dir_.string() + "."};
  return {};
}

}  // namespace bgm
