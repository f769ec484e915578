#include "support/serve_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "support/test_support.h"

namespace bgm::test {

ServeProcess::ServeProcess(const std::filesystem::path& data_dir, const std::vector<std::string>& extra)
    : log_(data_dir.string() + ".log") {
  std::vector<std::string> args = {cli_path(), "serve", "--listen", "127.0.0.1:0", "--data", data_dir.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  const std::string marker = "listening on ";
  for (int i = 0; i < 300 && url_.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // it ended (refused to start): nothing to wait for
      pid_ = -1;
      break;
    }
    const std::string text = log();
    const auto at = text.find(marker);
    if (at == std::string::npos) continue;
    const auto end = text.find_first_of(" \n", at + marker.size());
    url_ = text.substr(at + marker.size(), end - at - marker.size());
  }
}

bool ServeProcess::signal_and_wait(int signal, double seconds, int* status) {
  if (pid_ <= 0) return true;
  ::kill(pid_, signal);
  int st = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      if (status) *status = st;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool ServeProcess::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

ServeProcess::~ServeProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
}

std::string ServeProcess::log() const { return read_file(log_); }

}  // namespace bgm::test
