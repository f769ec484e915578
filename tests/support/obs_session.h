#pragma once
// Real OBS Studio under Xvfb for end-to-end tests: a private config root (so the user's OBS is never touched)
// that starts without dialogs, the plugin under test installed as a user plugin, obs-websocket on a free port,
// two scenes of solid colour, recordings in MKV into a folder of the test's. Stopped with SIGINT, as a user
// quitting, so OBS saves its state and runs the plugin's exit path.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace bgm::test {

class ObsSession {
 public:
  // `root`: an empty folder of the test's; `plugin_dir`: the built obs-bgm folder (bin/64bit/obs-bgm.so, data/).
  ObsSession(std::filesystem::path root, std::filesystem::path plugin_dir);
  ~ObsSession();  // stops OBS and Xvfb if still running

  // Starts Xvfb and OBS and waits until OBS answers requests (obs-websocket listening and OBS loaded). Empty on
  // success, else what went wrong.
  std::string start();
  // Quits OBS with SIGINT and waits for it (up to 20 s). Returns OBS's exit status.
  int stop();

  // The plugin's own config folder (settings.json, results.json), as OBS gives it to the module.
  std::filesystem::path plugin_config_dir() const;
  // The audio tracks a recording carries (a mask: 1 = track 1, 3 = tracks 1 and 2), before start().
  void set_record_tracks(int mask) { record_tracks_ = mask; }
  // Writes the plugin's settings.json before start().
  void write_plugin_settings(const std::string& json) const;

  int port() const { return port_; }
  const std::filesystem::path& record_dir() const { return record_dir_; }
  std::filesystem::path global_ini() const;
  std::string log() const;
  // OBS's main window made as big as the screen (1920x1080), as a maximised OBS is; false when it was not found.
  bool fill_screen() const;
  // A PNG of the whole virtual screen (ImageMagick's import).
  bool screenshot(const std::filesystem::path& png) const;
  // How loud OBS's audio monitoring device is over the next `seconds` (RMS in dBFS; -200 for silence or nothing
  // recorded): the device is a null sink of a private PulseAudio server the session starts with OBS.
  double monitor_level_db(double seconds) const;

 private:
  void write_config() const;
  std::filesystem::path pulse_socket() const;
  std::filesystem::path root_, plugin_dir_, home_, record_dir_;
  int port_ = 0;
  int record_tracks_ = 1;
  int display_ = 0;
  pid_t xvfb_ = -1, obs_ = -1, pulse_ = -1;
};

}  // namespace bgm::test
