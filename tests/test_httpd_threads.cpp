// The HTTP front's threads (run under TSan with the other threaded tests): answers given from other threads, a
// streamed body woken from another thread, many clients at once, and a stop while all of that is under way.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "httpd/http_server.h"

namespace bgm::httpd {
namespace {

// One request on a new connection; what came back within `seconds`.
std::string ask(int port, const std::string& request, double seconds = 5) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0) {
    char buf[4096];
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

// Ten pieces, each pushed by another thread a millisecond apart.
class Ticker : public BodySource {
 public:
  Ticker() {
    thread_ = std::thread([this] {
      for (int i = 0; i < 10; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::function<void()> wake;
        {
          std::lock_guard lock(mutex_);
          ++ready_;
          wake = wake_;
        }
        if (wake) wake();
      }
    });
  }
  ~Ticker() override { thread_.join(); }
  Pull pull(std::string& out) override {
    std::lock_guard lock(mutex_);
    if (sent_ == 10) return Pull::kEnd;
    if (sent_ == ready_) return Pull::kWait;
    out = "tick" + std::to_string(sent_++) + "\n";
    return Pull::kData;
  }
  void on_ready(std::function<void()> wake) override {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
  }
  std::chrono::milliseconds wait_limit() const override { return std::chrono::milliseconds(50); }

 private:
  std::mutex mutex_;
  int ready_ = 0, sent_ = 0;
  std::function<void()> wake_;
  std::thread thread_;
};

TEST(HttpFront, AnswersFromOtherThreadsStreamsAndAStopUnderLoad) {
  ServerOptions o;
  o.limits.threads = 2;
  HttpServer server(o);
  std::mutex helpers_mutex;
  std::vector<std::thread> helpers;
  server.route("GET", "/quick", [](std::shared_ptr<Exchange> ex) {
    Response r;
    r.body = "quick";
    ex->answer(r);
  });
  server.route("GET", "/later", [&](std::shared_ptr<Exchange> ex) {
    std::lock_guard lock(helpers_mutex);
    helpers.emplace_back([ex] {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      Response r;
      r.body = "later";
      ex->answer(r);
    });
  });
  server.route("GET", "/stream", [](std::shared_ptr<Exchange> ex) { ex->answer_stream(Response{}, std::make_shared<Ticker>()); });
  ASSERT_TRUE(server.start());
  const int port = server.port();
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 10; ++i) {
        const char* path = (c + i) % 3 == 0 ? "/quick" : (c + i) % 3 == 1 ? "/later" : "/stream";
        const std::string got = ask(port, std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const bool ok = path[1] == 'q' ? got.find("quick") != std::string::npos
                        : path[1] == 'l' ? got.find("later") != std::string::npos
                                         : got.find("tick9") != std::string::npos;
        good += ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good, 80);
  // Now a stop while requests keep coming.
  std::atomic<bool> go{true};
  std::thread pressure([&] {
    while (go) ask(port, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", 0.2);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto t0 = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  go = false;
  pressure.join();
  for (auto& t : helpers) t.join();
}

// An upload is read as fast as it comes: a body sent at once arrives in pieces of tens of kilobytes (the buffer
// beast reads into kept the header's size, and 40 MB came a kilobyte per read: 0.3 s on loopback, not 0.04 s).
TEST(HttpFront, ALargeBodyArrivesInLargePieces) {
  ServerOptions o;
  HttpServer server(o);
  std::atomic<size_t> pieces{0}, largest{0}, bytes{0};
  server.route("POST", "/up", [&](std::shared_ptr<Exchange> ex) {
    ex->stream_body(
        64 << 20,
        [&](std::string_view piece) {
          ++pieces;
          bytes += piece.size();
          if (piece.size() > largest) largest = piece.size();
          return true;
        },
        [ex](Status) {
          Response r;
          r.body = "stored";
          ex->answer(r);
        });
  });
  ASSERT_TRUE(server.start());
  const size_t size = 16 << 20;
  const std::string request = "POST /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + std::to_string(size) +
                              "\r\n\r\n" + std::string(size, 'x');
  EXPECT_NE(ask(server.port(), request, 30).find("stored"), std::string::npos);
  EXPECT_EQ(bytes, size);
  EXPECT_GE(largest, 32u << 10) << pieces << " pieces";
  EXPECT_LE(pieces, size / (8 << 10)) << "the body came in small reads";
  server.stop();
}

}  // namespace
}  // namespace bgm::httpd
