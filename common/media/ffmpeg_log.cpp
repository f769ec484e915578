#include "media/ffmpeg_log.h"

extern "C" {
#include <libavutil/log.h>
}

namespace bgm {

void quiet_ffmpeg_logging() { av_log_set_level(AV_LOG_QUIET); }

}  // namespace bgm
