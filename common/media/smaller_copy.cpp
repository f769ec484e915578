#include "media/smaller_copy.h"

#include <optional>

#include "audio/audio_store.h"
#include "core/atomic_file.h"
#include "media/audio_decoder.h"
#include "media/media_probe.h"
#include "media/muxer.h"
#include "media/video_transcode.h"

namespace bgm {
namespace fs = std::filesystem;

Status make_smaller_copy(const fs::path& source, const fs::path& output, int max_height, const CancelToken* cancel,
                         const ProgressFn& progress) {
  auto info = probe_media(source, cancel);
  if (!info) return info.error();
  if (info->kind != MediaKind::kVideo || !info->video) {
    return make_error(ErrorCode::kUnsupported, source.filename().string() + " has no moving picture to make smaller.");
  }
  const fs::path dir = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  auto video = WorkFile::create(dir, output.stem().string(), ".video.mkv");
  if (!video) return video.error();
  VideoTransform small;
  small.max_height = max_height;
  if (auto ok = transcode_video(source, video->path(), small, info->duration_s, cancel, progress); !ok) return ok;
  std::optional<AudioStore> sound;
  std::vector<MuxAudioTrack> tracks;
  if (info->audio) {
    auto store = decode_audio_to_store(source, dir, info->audio->start_s - info->video->start_s, cancel);
    if (!store) return store.error();
    sound.emplace(std::move(store).value());
    tracks.push_back({&*sound, "Original audio"});
  }
  auto written = mux_copied_video(video->path(), output, tracks, info->duration_s, cancel, progress);
  if (!written) return written.error();
  return {};
}

}  // namespace bgm
