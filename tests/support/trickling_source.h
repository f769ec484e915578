#pragma once
// An HTTP server on loopback that answers every request with a fixed head, then trickles one byte every interval
// until it is destroyed: a URL source that never finishes (or one that redirects), for the server's tests and the
// load benchmark.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bgm::test {

class TricklingSource {
 public:
  TricklingSource(std::string head, std::chrono::milliseconds every);
  ~TricklingSource();
  TricklingSource(const TricklingSource&) = delete;
  TricklingSource& operator=(const TricklingSource&) = delete;
  std::string url(const std::string& name = "clip.mp4") const { return "http://127.0.0.1:" + std::to_string(port_) + "/" + name; }

 private:
  std::string head_;
  std::chrono::milliseconds every_;
  int fd_ = -1, port_ = 0;
  std::mutex mutex_;
  std::atomic<bool> stop_{false};
  std::thread accepter_;
  std::vector<std::thread> senders_;
};

}  // namespace bgm::test
