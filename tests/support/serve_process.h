#pragma once
// Child processes of the tests: any program with its output in a log file (HAProxy, nginx), and `obs-bgm serve`
// on loopback (port chosen by the system), for end-to-end tests of the NemoVideo client, of the plugin's "Render
// server" backend and of several boxes. Stopped with SIGTERM (SIGKILL after 10 s) when they go out of scope.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace bgm::test {

class ChildProcess {
 public:
  // Starts `args` (args[0]: the program's path) with standard output and error in `log`.
  ChildProcess(const std::vector<std::string>& args, std::filesystem::path log);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  std::string log() const;  // what it printed
  pid_t pid() const { return pid_; }
  // Sends `signal`; then waits up to `seconds` for the process to end. Returns whether it ended (and its wait status).
  bool signal_and_wait(int signal, double seconds, int* status = nullptr);
  // Whether the process is still running.
  bool running();

 protected:
  // Waits up to `seconds` for `marker` in the log; returns the word after it ("" when it never came or the
  // process ended).
  std::string wait_for_word_after(const std::string& marker, double seconds);

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

class ServeProcess : public ChildProcess {
 public:
  // Starts the server with its data in `data_dir` and `extra` arguments; url() is empty when it did not start.
  // Its log is `log`, or DATA.log beside the folder.
  explicit ServeProcess(const std::filesystem::path& data_dir, const std::vector<std::string>& extra = {}, std::filesystem::path log = {});
  const std::string& url() const { return url_; }

 private:
  std::string url_;
};

}  // namespace bgm::test
