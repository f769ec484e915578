#include "support/obs_session.h"
#include "support/x11_display.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fcntl.h>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "support/obs_websocket.h"
#include "support/test_support.h"

namespace bgm::test {
namespace fs = std::filesystem;
namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Starts a program in the background with extra environment, its output going to `log`.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(out, 1), ::dup2(out, 2);
  for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  ::_exit(127);
}

// Waits for `pid` to exit; after `seconds` it is killed, and first, when `backtrace` is given, every thread's stack
// is written there (what it hung on).
int wait_for(pid_t pid, double seconds, const fs::path& backtrace = {}) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!backtrace.empty()) {
    run("timeout 60 gdb -p " + std::to_string(pid) + " -batch -ex 'thread apply all bt' > " + quote(backtrace.string()) + " 2>&1");
    const std::string stacks = read_file(backtrace);
    std::fprintf(stderr, "OBS did not exit in %.0f s; the stacks of its threads:\n%s\n", seconds, stacks.substr(0, 40000).c_str());
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

}  // namespace

ObsSession::ObsSession(fs::path root, fs::path plugin_dir)
    : root_(std::move(root)), plugin_dir_(std::move(plugin_dir)), home_(root_ / "home"), record_dir_(root_ / "recordings") {}

ObsSession::~ObsSession() { stop(); }

fs::path ObsSession::global_ini() const { return home_ / ".config/obs-studio/global.ini"; }

fs::path ObsSession::plugin_config_dir() const { return home_ / ".config/obs-studio/plugin_config/obs-bgm"; }

void ObsSession::write_plugin_settings(const std::string& json) const {
  fs::create_directories(plugin_config_dir());
  std::ofstream(plugin_config_dir() / "settings.json") << json;
}

std::string ObsSession::log() const { return read_file(root_ / "obs.log"); }

void ObsSession::write_config() const {
  const fs::path obs = home_ / ".config/obs-studio";
  fs::create_directories(obs / "basic/profiles/Headless");
  fs::create_directories(obs / "basic/scenes");
  fs::create_directories(obs / "plugins");
  fs::create_directories(record_dir_);
  std::ofstream(obs / "global.ini") << "[General]\nPre19Defaults=false\nPre21Defaults=false\nPre23Defaults=false\n"
                                       "Pre24.1Defaults=false\nFirstRun=true\nLastVersion=486539266\nConfirmOnExit=false\n"
                                       "EnableAutoUpdates=false\n[Basic]\nProfile=Headless\nProfileDir=Headless\n"
                                       "SceneCollection=Headless\nSceneCollectionFile=Headless\n[BasicWindow]\n"
                                       "WarnBeforeStartingStream=false\nWarnBeforeStoppingStream=false\n"
                                       "WarnBeforeStoppingRecord=false\nSysTrayEnabled=false\n[OBSWebSocket]\nFirstLoad=false\n"
                                       "ServerEnabled=true\nServerPort="
                                    << port_ << "\nAlertsEnabled=false\nAuthRequired=false\nServerPassword=\n";
  std::ofstream(obs / "basic/profiles/Headless/basic.ini")
      << "[General]\nName=Headless\n[Video]\nBaseCX=320\nBaseCY=180\nOutputCX=320\nOutputCY=180\nFPSType=0\nFPSCommon=30\n"
         "[Audio]\nSampleRate=48000\nChannelSetup=Stereo\n[Output]\nMode="
      << (record_tracks_ == 1 ? "Simple" : "Advanced") << "\n[SimpleOutput]\nFilePath=" << record_dir_.string()
      << "\nRecFormat=mkv\nRecQuality=Small\nRecEncoder=x264_lowcpu\nVBitrate=1000\nABitrate=160\nPreset=ultrafast\n"
         "FileNameWithoutSpace=true\nRecRB=true\nRecRBTime=20\nRecRBSize=512\n"
         // Several audio tracks need the advanced output (OBS 29's simple output records track 1 only).
         "[AdvOut]\nRecType=Standard\nRecFilePath="
      << record_dir_.string() << "\nRecFormat=mkv\nRecEncoder=obs_x264\nRecTracks=" << record_tracks_
      << "\nTrack1Bitrate=160\nTrack2Bitrate=160\nRecFileNameWithoutSpace=true\n";
  if (record_tracks_ != 1)
    std::ofstream(obs / "basic/profiles/Headless/recordEncoder.json") << R"({"preset":"ultrafast","bitrate":1000,"rate_control":"CBR"})";
  // Two scenes, each one solid colour (ABGR): switching between them is a cut and a scene switch.
  auto item = [](const char* name) {
    return std::string("{\"name\":\"") + name +
           "\",\"id\":1,\"visible\":true,\"pos\":{\"x\":0,\"y\":0},\"scale\":{\"x\":1,\"y\":1},\"align\":5}";
  };
  auto colour = [](const char* name, unsigned abgr) {
    return std::string("{\"id\":\"color_source_v3\",\"name\":\"") + name + "\",\"settings\":{\"color\":" + std::to_string(abgr) +
           ",\"width\":320,\"height\":180}}";
  };
  std::ofstream(obs / "basic/scenes/Headless.json")
      << "{\"name\":\"Headless\",\"current_scene\":\"Main\",\"current_program_scene\":\"Main\","
         "\"scene_order\":[{\"name\":\"Main\"},{\"name\":\"Second\"}],\"sources\":["
         "{\"id\":\"scene\",\"name\":\"Main\",\"settings\":{\"items\":["
      << item("Red") << "]}},{\"id\":\"scene\",\"name\":\"Second\",\"settings\":{\"items\":[" << item("Blue") << "]}},"
      << colour("Red", 0xff2020e0u) << "," << colour("Blue", 0xffe02020u) << "]}";
  fs::copy(plugin_dir_, obs / "plugins/obs-bgm", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

std::string ObsSession::start() {
  port_ = free_port();
  write_config();
  for (display_ = 90; display_ < 190 && fs::exists("/tmp/.X11-unix/X" + std::to_string(display_)); ++display_) {
  }
  const std::string display = ":" + std::to_string(display_);
  xvfb_ = spawn({"Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"}, {}, root_ / "xvfb.log");
  for (int i = 0; i < 100 && !fs::exists("/tmp/.X11-unix/X" + std::to_string(display_)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // OBS's audio monitoring goes to a private PulseAudio server whose only device is a null sink, recorded by
  // monitor_level(): what a user would hear in their headphones, measured.
  pulse_ = spawn({"pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "-F", "/dev/null",
                  "-L", "module-null-sink sink_name=obsbgm_monitor rate=48000",
                  "-L", "module-native-protocol-unix socket=" + pulse_socket().string() + " auth-anonymous=1"},
                 {"HOME=" + home_.string()}, root_ / "pulseaudio.log");
  for (int i = 0; i < 100 && !fs::exists(pulse_socket()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  obs_ = spawn({"obs", "--multi", "--disable-missing-files-check", "--websocket_port", std::to_string(port_)},
               {"HOME=" + home_.string(), "DISPLAY=" + display, "XDG_CONFIG_HOME=" + (home_ / ".config").string(),
                "PULSE_SERVER=unix:" + pulse_socket().string()},
               root_ / "obs.log");
  // OBS is started once obs-websocket answers a request. 5.0 (OBS 29) opens its port when OBS is ready; 5.5 (OBS 30)
  // opens it in obs_module_post_load, before the main window and the scene collection, and answers 207 "not ready"
  // until then.
  bool listened = false;
  int last_code = 0;
  for (int i = 0; i < 900; ++i) {  // up to 90 s on a loaded machine
    ObsWebSocket ws;
    if (ws.connect(port_).empty()) {
      listened = true;
      const auto r = ws.request("GetSceneList");
      last_code = r.value(nlohmann::json::json_pointer("/requestStatus/code"), 0);
      if (r.value(nlohmann::json::json_pointer("/requestStatus/result"), false)) return {};
    }
    int status = 0;
    if (::waitpid(obs_, &status, WNOHANG) == obs_) {
      obs_ = -1;
      return "OBS exited while starting:\n" + log();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!listened) return "obs-websocket did not start listening within 90 s:\n" + log();
  return "OBS did not become ready within 90 s (obs-websocket's last answer: " + std::to_string(last_code) + "):\n" + log();
}

int ObsSession::stop() {
  int status = -1;
  if (obs_ > 0) {
    // As a user quits: closing the main window (WM_DELETE_WINDOW), handled in OBS's event loop. OBS 29's own
    // SIGINT handler closes the window from inside the signal handler, which deadlocks when the signal lands while
    // the UI thread is in Xlib (seen twice in the stress test: main thread stuck in xcb_take_socket under
    // close_helper under the signal frame). SIGINT stays the fallback when no window can be asked.
    if (!close_window_named(":" + std::to_string(display_), "OBS ")) {
      std::fprintf(stderr, "OBS's main window could not be asked to close: quitting it with SIGINT\n");
      ::kill(obs_, SIGINT);
    }
    status = wait_for(obs_, 20, root_ / "obs-hang-backtrace.txt");
    obs_ = -1;
  }
  for (pid_t* helper : {&xvfb_, &pulse_}) {
    if (*helper <= 0) continue;
    ::kill(*helper, SIGTERM);
    wait_for(*helper, 5);
    *helper = -1;
  }
  return status;
}

fs::path ObsSession::pulse_socket() const { return root_ / "pulse.sock"; }

double ObsSession::monitor_level_db(double seconds) const {
  const fs::path raw = root_ / "monitor.raw";
  const auto recorded = run("timeout " + std::to_string(seconds) + " parec --server=unix:" + quote(pulse_socket().string()) +
                            " -d obsbgm_monitor.monitor --raw --format=s16le --rate=48000 --channels=2 > " + quote(raw.string()));
  (void)recorded;  // timeout ends parec: its exit status is timeout's
  const std::string bytes = read_file(raw);
  const size_t n = bytes.size() / 2;
  if (n == 0) return -200.0;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto sample = static_cast<int16_t>(static_cast<uint16_t>(static_cast<unsigned char>(bytes[2 * i])) |
                                             static_cast<uint16_t>(static_cast<unsigned char>(bytes[2 * i + 1]) << 8));
    sum += static_cast<double>(sample) * sample;
  }
  const double rms = std::sqrt(sum / static_cast<double>(n)) / 32768.0;
  return rms > 0 ? 20.0 * std::log10(rms) : -200.0;
}

bool ObsSession::fill_screen() const {
  // OBS's main window is titled "OBS 29.0.2 - Profile: ..." (its other windows are smaller).
  for (int i = 0; i < 50; ++i) {
    if (fill_screen_with_window(":" + std::to_string(display_), "OBS ")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // Qt lays the window out again
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool ObsSession::screenshot(const fs::path& png) const {
  return run("DISPLAY=:" + std::to_string(display_) + " import -window root " + quote(png.string())).exit_code == 0;
}

}  // namespace bgm::test
