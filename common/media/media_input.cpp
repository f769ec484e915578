#include "media/media_input.h"

#include <vector>

#include <sys/stat.h>

namespace bgm::ff {
namespace {

extern "C" int obs_bgm_ffmpeg_interrupt(void* opaque) {
  const auto* cancel = static_cast<const CancelToken*>(opaque);
  return cancel && cancel->cancelled() ? 1 : 0;
}

}  // namespace

std::string file_url(const std::filesystem::path& path) { return "file:" + path.string(); }

bool is_regular(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Error not_a_regular_file(const std::filesystem::path& path) {
  return make_error(ErrorCode::kNotFound, path.string() + " is not a regular file (a pipe, a device or a socket cannot be scored). "
                                                          "Choose a recording file.");
}

Result<InputPtr> open_input(const std::filesystem::path& path, const CancelToken* cancel, int* ffmpeg_error) {
  if (ffmpeg_error) *ffmpeg_error = 0;
  if (!is_regular(path)) return not_a_regular_file(path);
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) return make_error(ErrorCode::kMedia, "Out of memory opening " + path.string() + ".");
  raw->interrupt_callback.callback = obs_bgm_ffmpeg_interrupt;
  raw->interrupt_callback.opaque = const_cast<CancelToken*>(cancel);
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  const int err = avformat_open_input(&raw, file_url(path).c_str(), nullptr, &options);  // frees `raw` on failure
  av_dict_free(&options);
  if (err < 0) {
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
    if (ffmpeg_error) *ffmpeg_error = err;
    return make_error(ErrorCode::kMedia, "Could not open " + path.string() + ": " + error_text(err));
  }
  return InputPtr(raw);
}

int find_stream_info(AVFormatContext* input) {
  std::vector<AVDictionary*> options(input->nb_streams, nullptr);
  for (auto& o : options) av_dict_set(&o, "threads", "1", 0);
  const int err = avformat_find_stream_info(input, options.empty() ? nullptr : options.data());
  for (auto& o : options) av_dict_free(&o);
  return err;
}

}  // namespace bgm::ff
