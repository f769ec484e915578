#include "support/serve_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "support/test_support.h"

namespace bgm::test {

ChildProcess::ChildProcess(const std::vector<std::string>& args_in, std::filesystem::path log) : log_(std::move(log)) {
  std::vector<std::string> args = args_in;
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
}

std::string ChildProcess::wait_for_word_after(const std::string& marker, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // it ended (refused to start): nothing to wait for
      pid_ = -1;
      return {};
    }
    const std::string text = log();
    const auto at = text.find(marker);
    if (at == std::string::npos) continue;
    const auto end = text.find_first_of(" \n", at + marker.size());
    return text.substr(at + marker.size(), end - at - marker.size());
  }
  return {};
}

bool ChildProcess::signal_and_wait(int signal, double seconds, int* status) {
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

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  if (!signal_and_wait(SIGTERM, 10)) signal_and_wait(SIGKILL, 10);
}

std::string ChildProcess::log() const { return read_file(log_); }

namespace {

std::vector<std::string> serve_args(const std::filesystem::path& data_dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {cli_path(), "serve", "--data", data_dir.string()};
  if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

ServeProcess::ServeProcess(const std::filesystem::path& data_dir, const std::vector<std::string>& extra, std::filesystem::path log)
    : ChildProcess(serve_args(data_dir, extra), log.empty() ? std::filesystem::path(data_dir.string() + ".log") : log) {
  url_ = wait_for_word_after("listening on ", 10);
}

}  // namespace bgm::test
