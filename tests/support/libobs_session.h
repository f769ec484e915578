#pragma once
// libobs without the frontend, for tests and benchmarks (needs an X display: run under xvfb-run): OpenGL video
// at a chosen size and 30 fps, 48 kHz stereo audio, the Media Source and colour source modules, and the plugin's
// analyzer filter registered as the module would.

#include <string>

namespace bgm::test {

class LibObsSession {
 public:
  // Starts libobs with its config in `config_dir`. ok() says whether it worked; why() says why not.
  LibObsSession(const std::string& config_dir, int width, int height);
  ~LibObsSession();
  LibObsSession(const LibObsSession&) = delete;
  LibObsSession& operator=(const LibObsSession&) = delete;
  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }

 private:
  void* display_ = nullptr;
  bool started_ = false;
  std::string why_;
};

}  // namespace bgm::test
