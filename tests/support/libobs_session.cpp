#include "support/libobs_session.h"

#include <obs-module.h>
#include <obs-nix-platform.h>
#include <obs.h>
#include <cstdint>

#include "analyzer-filter.h"
#include "support/x11_display.h"

namespace bgm::test {
namespace {

constexpr const char* kPlugins = "/usr/lib/x86_64-linux-gnu/obs-plugins/";
constexpr const char* kPluginData = "/usr/share/obs/obs-plugins/";

}  // namespace

LibObsSession::LibObsSession(const std::string& config_dir, int width, int height) {
  display_ = open_x_display();
  if (!display_) {
    why_ = "no X display: run under xvfb-run";
    return;
  }
  obs_set_nix_platform(OBS_NIX_PLATFORM_X11_EGL);
  obs_set_nix_platform_display(display_);
  if (!obs_startup("en-US", config_dir.c_str(), nullptr)) {
    why_ = "obs_startup failed";
    return;
  }
  started_ = true;
  obs_audio_info audio{48000, SPEAKERS_STEREO};
  obs_video_info video{};
  video.graphics_module = "libobs-opengl";
  video.fps_num = 30, video.fps_den = 1;
  video.base_width = video.output_width = static_cast<uint32_t>(width);
  video.base_height = video.output_height = static_cast<uint32_t>(height);
  video.output_format = VIDEO_FORMAT_NV12;
  video.gpu_conversion = true;
  video.colorspace = VIDEO_CS_709;
  video.range = VIDEO_RANGE_PARTIAL;
  video.scale_type = OBS_SCALE_BICUBIC;
  if (!obs_reset_audio(&audio) || obs_reset_video(&video) != OBS_VIDEO_SUCCESS) {
    why_ = "could not start libobs's audio or video (OpenGL)";
    return;
  }
  for (const char* name : {"obs-ffmpeg", "image-source"}) {
    obs_module_t* module = nullptr;
    if (obs_open_module(&module, (std::string(kPlugins) + name + ".so").c_str(), (std::string(kPluginData) + name).c_str()) != MODULE_SUCCESS ||
        !obs_init_module(module)) {
      why_ = std::string("could not load OBS's ") + name + " module";
      return;
    }
  }
  obs_post_load_modules();
  register_analyzer_filter();
}

LibObsSession::~LibObsSession() {
  if (started_) {
    obs_set_output_source(0, nullptr);
    obs_shutdown();
  }
  close_x_display(display_);
}

}  // namespace bgm::test
