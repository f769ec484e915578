// `obs-bgm serve` under hostile load (BENCHMARKS.md, "serve under hostile load"): credits and state latency, the
// server's memory and how long a stop takes, on an idle server (the baseline) and with 200 slow-header connections
// dripping a byte a second and 70 URL uploads whose sources trickle, all open at once, measured in one run.
// (1) The server in this process (URL sources on loopback need its test switch): latency, memory, stop().
// (2) `obs-bgm serve` as its own process with the 200 slow-header connections and 68 chat turns waiting for its one
//     worker: latency, its resident memory, and SIGTERM to exit.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "server/nemo_server.h"
#include "support/nemo_client.h"
#include "support/raw_socket.h"
#include "support/serve_process.h"
#include "support/test_support.h"
#include "support/trickling_source.h"

namespace {

using namespace bgm;
using Clock = std::chrono::steady_clock;
using bgm::test::percentile;
using json = nlohmann::json;

struct Latency {
  std::vector<double> ms;
};

// 4 clients asking credits and state in turn for `seconds`.
Latency measure(const std::string& url, const std::vector<std::pair<std::string, std::string>>& clients, double seconds) {
  std::vector<std::vector<double>> each(clients.size());
  std::vector<std::thread> threads;
  const auto until = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  for (size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back([&, i] {
      test::NemoClient c(url);
      c.token = clients[i].first, c.session = clients[i].second;
      for (int n = 0; Clock::now() < until; ++n) {
        const auto t0 = Clock::now();
        const auto a = n % 2 ? c.state() : c.credits();
        if (a.code() == 0) each[i].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  Latency out;
  for (auto& e : each) out.ms.insert(out.ms.end(), e.begin(), e.end());
  return out;
}

}  // namespace

int main() {
  test::TempDir dir;
  ServeOptions o;
  o.port = 0;
  o.data_dir = dir / "data";
  o.allow_local_url_sources = true;
  o.requests_per_minute = 1000000;  // the measuring clients are not what is limited here
  auto server = std::make_unique<NemoServer>(o);
  if (!server->start()) return 1;
  const std::string url = server->url();
  const int port = test::port_of(url);
  std::vector<std::pair<std::string, std::string>> clients;
  for (int i = 0; i < 4; ++i) {
    test::NemoClient c(url);
    c.anonymous_token("measure-" + std::to_string(i));
    c.new_session();
    clients.emplace_back(c.token, c.session);
  }
  const double rss_idle = test::resident_mb();
  const Latency idle = measure(url, clients, 5);

  // The attack: 200 slow-header connections from 50 loopback addresses, 70 URL uploads from 35 tokens whose
  // sources trickle a byte every 500 ms.
  std::vector<test::RawSocket> slow;
  for (int i = 0; i < 200; ++i) {
    slow.emplace_back(port, "127.0.0." + std::to_string(2 + i % 50));
    slow.back().send("GET / HTTP/1.1\r\nX-Slow: ");
  }
  std::atomic<bool> dripping{true};
  std::thread drip([&] {
    while (dripping) {
      for (auto& s : slow) s.send("a");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  test::TricklingSource source("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n", std::chrono::milliseconds(500));
  std::vector<std::thread> uploads;
  for (int t = 0; t < 35; ++t) {
    test::NemoClient c(url);
    c.anonymous_token("uploader-" + std::to_string(t));
    c.new_session();
    for (int k = 0; k < 2; ++k) {
      uploads.emplace_back([url, token = c.token, session = c.session, u = source.url()] {
        test::NemoClient me(url);
        me.token = token, me.session = session;
        me.upload_urls(json::array({u}));
      });
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Latency loaded = measure(url, clients, 8);
  const double rss_loaded = test::resident_mb();
  const auto t0 = Clock::now();
  server->stop();
  const double stop_s = std::chrono::duration<double>(Clock::now() - t0).count();
  dripping = false;
  drip.join();
  for (auto& t : uploads) t.join();

  std::printf("obs-bgm serve under hostile load (in process; 4 clients asking credits and state in turn)\n\n");
  std::printf("| server | requests | p50 ms | p99 ms | p99 x idle | memory MB |\n|---|---|---|---|---|---|\n");
  const double p99_idle = percentile(idle.ms, 0.99);
  std::printf("| idle (the baseline) | %zu | %.2f | %.2f | 1.00x | %.0f |\n", idle.ms.size(), percentile(idle.ms, 0.5), p99_idle, rss_idle);
  std::printf("| 200 slow-header connections + 70 trickling URL uploads | %zu | %.2f | %.2f | %.2fx | %.0f |\n", loaded.ms.size(),
              percentile(loaded.ms, 0.5), percentile(loaded.ms, 0.99), percentile(loaded.ms, 0.99) / std::max(p99_idle, 1e-9), rss_loaded);
  std::printf("\nstop() with all of them open: %.2f s\n", stop_s);

  // (2) The process.
  test::ServeProcess proc(dir / "proc-data", {"--workers", "1", "--rate", "1000000"});
  if (proc.url().empty()) return 1;
  const int pport = test::port_of(proc.url());
  std::vector<std::pair<std::string, std::string>> pclients;
  for (int i = 0; i < 4; ++i) {
    test::NemoClient c(proc.url());
    c.anonymous_token("p-measure-" + std::to_string(i));
    c.new_session();
    pclients.emplace_back(c.token, c.session);
  }
  const Latency pidle = measure(proc.url(), pclients, 5);
  const double prss_idle = test::resident_mb(proc.pid());
  std::vector<test::RawSocket> pslow;
  for (int i = 0; i < 200; ++i) {
    pslow.emplace_back(pport, "127.0.0." + std::to_string(2 + i % 50));
    pslow.back().send("GET / HTTP/1.1\r\nX-Slow: ");
  }
  std::vector<std::thread> turns;
  for (int t = 0; t < 17; ++t) {
    test::NemoClient c(proc.url());
    c.anonymous_token("p-turns-" + std::to_string(t));
    c.new_session();
    for (int k = 0; k < 4; ++k) {
      turns.emplace_back([url = proc.url(), token = c.token, session = c.session] {
        test::NemoClient me(url);
        me.token = token, me.session = session;
        me.chat("make 60 seconds of upbeat electronic music");
      });
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Latency pload = measure(proc.url(), pclients, 8);
  const double prss_load = test::resident_mb(proc.pid());
  const auto s0 = Clock::now();
  const bool ended = proc.signal_and_wait(SIGTERM, 10);
  const double sigterm_s = std::chrono::duration<double>(Clock::now() - s0).count();
  for (auto& t : turns) t.join();
  std::printf("\n`obs-bgm serve` as its own process (--workers 1)\n\n");
  std::printf("| server | requests | p50 ms | p99 ms | p99 x idle | its memory MB |\n|---|---|---|---|---|---|\n");
  std::printf("| idle (the baseline) | %zu | %.2f | %.2f | 1.00x | %.0f |\n", pidle.ms.size(), percentile(pidle.ms, 0.5),
              percentile(pidle.ms, 0.99), prss_idle);
  std::printf("| 200 slow-header connections + 68 chat turns waiting | %zu | %.2f | %.2f | %.2fx | %.0f |\n", pload.ms.size(),
              percentile(pload.ms, 0.5), percentile(pload.ms, 0.99), percentile(pload.ms, 0.99) / std::max(percentile(pidle.ms, 0.99), 1e-9), prss_load);
  std::printf("\nSIGTERM to exit with all of them open: %.2f s%s\n", sigterm_s, ended ? "" : " (did not end in 10 s)");
  return ended ? 0 : 1;
}
