#pragma once
// A plain TCP connection for the tests that speak HTTP the way an attacker does: bytes as they come, slowly,
// malformed, or never finished.

#include <string>
#include <string_view>

namespace bgm::test {

class RawSocket {
 public:
  // Connects to 127.0.0.1:port (from `source`, another loopback address, when given). ok() false when refused.
  explicit RawSocket(int port, const std::string& source = "");
  ~RawSocket();
  RawSocket(RawSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  // False once the peer has closed or reset the connection.
  bool send(std::string_view bytes);
  // What arrives until the peer closes, `seconds` pass, or `max_bytes` came.
  std::string read(double seconds, size_t max_bytes = 1 << 20);
  // Whether the peer closed the connection within `seconds` (what it sent before is dropped).
  bool closed_within(double seconds);
  void close();

 private:
  int fd_ = -1;
};

// The port of a URL such as "http://127.0.0.1:8765".
int port_of(const std::string& url);

}  // namespace bgm::test
