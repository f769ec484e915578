#pragma once
// A small obs-websocket 5 client for the end-to-end tests: RFC 6455 over loopback TCP (no TLS, no extensions),
// Hello/Identify without authentication, requests and their responses. Our own, so the tests need nothing
// beyond Debian's packages.

#include <nlohmann/json.hpp>
#include <string>

namespace bgm::test {

class ObsWebSocket {
 public:
  ObsWebSocket() = default;
  ~ObsWebSocket();
  ObsWebSocket(const ObsWebSocket&) = delete;
  ObsWebSocket& operator=(const ObsWebSocket&) = delete;

  // Connects to 127.0.0.1:port and identifies (rpcVersion 1, no events). Empty string on success, else why not.
  std::string connect(int port);
  // Sends a request and waits for its response: {"requestStatus": {...}, "responseData": {...}}.
  nlohmann::json request(const std::string& type, const nlohmann::json& data = nlohmann::json::object());
  // A vendor request (CallVendorRequest); returns the vendor's responseData.
  nlohmann::json vendor(const std::string& vendor, const std::string& type, const nlohmann::json& data);
  // A request batch (op 8); execution_type 1 is SerialFrame (run on OBS's graphics thread, one per frame).
  // Returns the results array, one per request.
  nlohmann::json batch(const nlohmann::json& requests, int execution_type);

 private:
  bool send_text(const std::string& text);
  bool receive_text(std::string& text);
  bool read_exact(void* buf, size_t n);
  int fd_ = -1;
  int next_id_ = 1;
};

}  // namespace bgm::test
