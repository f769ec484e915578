#pragma once
// `obs-bgm serve` as its own process on loopback (port chosen by the system), for end-to-end tests of the
// NemoVideo client and of the plugin's "Render server" backend. Stopped with SIGTERM when it goes out of scope.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace bgm::test {

class ServeProcess {
 public:
  // Starts the server with its data in `data_dir` and `extra` arguments; url() is empty when it did not start.
  explicit ServeProcess(const std::filesystem::path& data_dir, const std::vector<std::string>& extra = {});
  ~ServeProcess();
  const std::string& url() const { return url_; }
  std::string log() const;  // what it printed
  pid_t pid() const { return pid_; }
  // Sends `signal`; then waits up to `seconds` for the process to end. Returns whether it ended (and its wait status).
  bool signal_and_wait(int signal, double seconds, int* status = nullptr);
  // Whether the process is still running.
  bool running();

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
  std::string url_;
};

}  // namespace bgm::test
