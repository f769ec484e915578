#include "support/obs_websocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <random>

namespace bgm::test {
namespace {

std::string base64(const unsigned char* data, size_t n) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    const unsigned v = (data[i] << 16) | (i + 1 < n ? data[i + 1] << 8 : 0) | (i + 2 < n ? data[i + 2] : 0);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < n ? table[(v >> 6) & 63] : '=';
    out += i + 2 < n ? table[v & 63] : '=';
  }
  return out;
}

}  // namespace

ObsWebSocket::~ObsWebSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool ObsWebSocket::read_exact(void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t got = ::recv(fd_, p, n, 0);
    if (got <= 0) return false;
    p += got, n -= static_cast<size_t>(got);
  }
  return true;
}

std::string ObsWebSocket::connect(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "cannot connect to port " + std::to_string(port);
  timeval timeout{120, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  unsigned char key[16];
  std::random_device rd;
  for (auto& k : key) k = static_cast<unsigned char>(rd());
  const std::string hello = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + base64(key, sizeof key) +
                            "\r\nSec-WebSocket-Protocol: obswebsocket.json\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd_, hello.data(), hello.size(), 0) != static_cast<ssize_t>(hello.size())) return "cannot send the handshake";
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (!read_exact(&c, 1)) return "no handshake answer";
    head += c;
  }
  if (head.find(" 101 ") == std::string::npos) return "handshake refused: " + head.substr(0, head.find('\r'));
  std::string text;
  if (!receive_text(text)) return "no Hello";
  const auto server_hello = nlohmann::json::parse(text, nullptr, false);
  if (server_hello.is_discarded() || server_hello.value("op", -1) != 0) return "unexpected first message: " + text;
  send_text(nlohmann::json{{"op", 1}, {"d", {{"rpcVersion", 1}, {"eventSubscriptions", 0}}}}.dump());
  if (!receive_text(text)) return "no Identified";
  const auto identified = nlohmann::json::parse(text, nullptr, false);
  if (identified.is_discarded() || identified.value("op", -1) != 2) return "not identified: " + text;
  return {};
}

bool ObsWebSocket::send_text(const std::string& text) {
  std::string frame;
  frame += static_cast<char>(0x81);  // FIN, text
  const size_t n = text.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8), frame += static_cast<char>(n & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) frame += static_cast<char>((static_cast<uint64_t>(n) >> (8 * i)) & 0xff);
  }
  std::random_device rd;
  char mask[4];
  for (auto& m : mask) m = static_cast<char>(rd());
  frame.append(mask, 4);
  for (size_t i = 0; i < n; ++i) frame += static_cast<char>(text[i] ^ mask[i % 4]);
  return ::send(fd_, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size());
}

bool ObsWebSocket::receive_text(std::string& text) {
  text.clear();
  for (;;) {
    unsigned char h[2];
    if (!read_exact(h, 2)) return false;
    uint64_t n = h[1] & 0x7f;
    if (n == 126) {
      unsigned char e[2];
      if (!read_exact(e, 2)) return false;
      n = (static_cast<uint64_t>(e[0]) << 8) | e[1];
    } else if (n == 127) {
      unsigned char e[8];
      if (!read_exact(e, 8)) return false;
      n = 0;
      for (unsigned char b : e) n = (n << 8) | b;
    }
    std::string payload(n, '\0');
    if (n && !read_exact(payload.data(), n)) return false;
    const int opcode = h[0] & 0x0f;
    if (opcode == 0x9) continue;  // ping: the server does not need an answer for a short test
    if (opcode == 0x8) return false;
    text += payload;
    if (h[0] & 0x80) return true;
  }
}

nlohmann::json ObsWebSocket::request(const std::string& type, const nlohmann::json& data) {
  const std::string id = std::to_string(next_id_++);
  nlohmann::json d = {{"requestType", type}, {"requestId", id}};
  if (!data.empty()) d["requestData"] = data;
  if (!send_text(nlohmann::json{{"op", 6}, {"d", d}}.dump())) return {{"error", "send failed"}};
  std::string text;
  while (receive_text(text)) {
    const auto msg = nlohmann::json::parse(text, nullptr, false);
    if (!msg.is_discarded() && msg.value("op", -1) == 7 && msg["d"].value("requestId", "") == id) return msg["d"];
  }
  return {{"error", "connection lost"}};
}

nlohmann::json ObsWebSocket::batch(const nlohmann::json& requests, int execution_type) {
  const std::string id = "batch-" + std::to_string(next_id_++);
  const nlohmann::json d = {{"requestId", id}, {"haltOnFailure", false}, {"executionType", execution_type}, {"requests", requests}};
  if (!send_text(nlohmann::json{{"op", 8}, {"d", d}}.dump())) return {{"error", "send failed"}};
  std::string text;
  while (receive_text(text)) {
    const auto msg = nlohmann::json::parse(text, nullptr, false);
    if (!msg.is_discarded() && msg.value("op", -1) == 9 && msg["d"].value("requestId", "") == id) return msg["d"]["results"];
  }
  return {{"error", "connection lost"}};
}

nlohmann::json ObsWebSocket::vendor(const std::string& vendor, const std::string& type, const nlohmann::json& data) {
  const auto r = request("CallVendorRequest", {{"vendorName", vendor}, {"requestType", type}, {"requestData", data}});
  if (!r.contains("responseData")) return {{"success", false}, {"error", r.dump()}};
  return r["responseData"].value("responseData", nlohmann::json::object());
}

}  // namespace bgm::test
