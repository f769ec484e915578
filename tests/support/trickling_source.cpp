#include "support/trickling_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bgm::test {

TricklingSource::TricklingSource(std::string head, std::chrono::milliseconds every) : head_(std::move(head)), every_(every) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(fd_, 128);
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  accepter_ = std::thread([this] {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::lock_guard lock(mutex_);
      if (stop_) return void(::close(c));
      senders_.emplace_back([this, c] {
        char buf[4096];
        (void)::recv(c, buf, sizeof buf, 0);
        bool ok = ::send(c, head_.data(), head_.size(), MSG_NOSIGNAL) > 0;
        while (ok && !stop_) {
          const auto next = std::chrono::steady_clock::now() + every_;
          while (!stop_ && std::chrono::steady_clock::now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(10));
          ok = !stop_ && ::send(c, "v", 1, MSG_NOSIGNAL) == 1;
        }
        ::close(c);
      });
    }
  });
}

TricklingSource::~TricklingSource() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
  accepter_.join();
  for (auto& t : senders_) t.join();
}

}  // namespace bgm::test
