#include "media/ffmpeg_log.h"

extern "C" {
#include <libavutil/log.h>
#include <libavutil/mem.h>
}

namespace bgm {

void quiet_ffmpeg_logging() { av_log_set_level(AV_LOG_QUIET); }

void cap_ffmpeg_allocations() { av_max_alloc(kMaxFfmpegAllocation); }

}  // namespace bgm
