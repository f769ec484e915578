// Media probing and decoding of mutated small files (the first byte picks the name's extension): a clear error or
// a length that is finite and within the hour; decoding never allocates what a timestamp claims. A watchdog cancels
// any file that takes longer than a second (the Cancel path is exercised too).

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "analysis/video_features.h"
#include "fuzz_check.h"
#include "fuzz_scratch.h"
#include "media/audio_decoder.h"
#include "media/ffmpeg_log.h"
#include "media/media_probe.h"
#include "spec/music_spec.h"

namespace {

const char* const kExtensions[] = {"mkv", "mp4", "webm", "avi", "mov", "wav", "mp3", "m4a", "aac", "png", "jpg", "gif", "webp"};

// Cancels the token after a second, unless stopped first.
class Watchdog {
 public:
  explicit Watchdog(bgm::CancelToken& token) : thread_([this, &token] {
    std::unique_lock lock(m_);
    if (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) token.request_cancel();
  }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(m_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  bgm::quiet_ffmpeg_logging();
  bgm::cap_ffmpeg_allocations();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::filesystem::path& dir = fuzz_scratch("media");
  const auto file = dir / (std::string("input.") + kExtensions[data[0] % std::size(kExtensions)]);
  { std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1)); }
  bgm::CancelToken cancel;
  Watchdog watchdog(cancel);
  const auto info = bgm::probe_media(file, &cancel);
  if (!info) {
    FUZZ_CHECK(!info.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(std::isfinite(info->duration_s) && info->duration_s >= 0);
  if (info->video) {
    bgm::FeatureOptions options;
    options.threads = 1;
    options.max_duration_s = 120;
    if (const auto f = bgm::extract_video_features(file, options, &cancel, {})) {
      FUZZ_CHECK(std::isfinite(f->duration_s) && f->duration_s <= options.max_duration_s + 1 + 1.0);
      for (const auto& fr : f->frames) FUZZ_CHECK(std::isfinite(fr.t));
    }
  }
  if (info->audio) {
    size_t frames = 0;
    const size_t most = 120 * 48000;
    (void)bgm::decode_audio(file, 48000, [&](const float*, const float*, size_t n) -> bgm::Status {
      frames += n;
      if (frames > most) return bgm::make_error(bgm::ErrorCode::kInvalidArgument, "long enough");
      return {};
    }, &cancel, std::clamp(info->audio->start_s - (info->video ? info->video->start_s : 0.0), -10.0, 10.0));
  }
  return 0;
}
