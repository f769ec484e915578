#pragma once
// A scripted NemoVideo server on loopback for the client's tests: every endpoint answers sanely by default (an
// agent that puts music on the timeline, a render that completes, a file to download) and a test queues the
// faults it wants per route: any code or HTTP status, garbage, a stalled body, heartbeats, a dropped stream, a
// download cut off halfway. Every request is recorded (headers included) for the assertions.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace bgm::test {

enum class Route { kToken, kSession, kChat, kUpload, kCredits, kState, kRender, kRenderStatus, kDownload };

struct Canned {
  int http = 200;
  nlohmann::json body;                   // an envelope; null: the default answer
  std::string raw;                       // sent as is instead (garbage), when not empty
  std::vector<std::string> sse;          // /run_sse: pieces written in order (raw SSE bytes)
  int gap_ms = 0;                        // between the pieces
  bool drop = false;                     // cut the connection after the pieces (or after half the download)
  int stall_ms = 0;                      // send nothing for this long first
  std::function<void()> then;            // runs after the answer was prepared (e.g. change the state)
  int64_t endless = 0;                   // > 0: announce this many bytes and send zeros until the client leaves
  bool repeat = false;                   // /run_sse: the pieces again and again, never ending the stream
};

struct Recorded {
  std::string method, path, body;
  std::map<std::string, std::string> headers;
  std::string header(const std::string& name) const;
};

class FaultServer {
 public:
  FaultServer();
  ~FaultServer();
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void script(Route route, Canned canned);  // queued: each request to the route takes the next one
  std::vector<Recorded> requests(Route route) const;
  int count(Route route) const { return static_cast<int>(requests(route).size()); }
  std::vector<Recorded> all_requests() const;

  // Tokens given so far stop working (answered with 1001), as a token that expires mid-session.
  void expire_tokens();
  // Sessions made so far are forgotten (answered with 1002).
  void forget_sessions();
  void set_state(const nlohmann::json& state);
  nlohmann::json state() const;
  std::string file_body;  // what the download serves (set before use)
  // The draft the default chat turn leaves on the timeline: a video and Lo-fi music at `volume`.
  static nlohmann::json music_draft(double volume = 0.35, const std::string& style = "lofi", const std::string& name = "Lo-fi");
  static std::string sse_event(const nlohmann::json& event);
  static nlohmann::json text_event(const std::string& text, bool partial);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace bgm::test
