// Benchmark: `obs-bgm serve` on one box and on two behind HAProxy (issue 27, docs/scale-out.md).
// The same burst of renders (32 exports of 10 s of new music, from 16 tokens, submitted at once) on
//   (a) one box on SQLite, called directly (the baseline),
//   (b) one box on PostgreSQL behind HAProxy,
//   (c) two boxes on PostgreSQL behind HAProxy, one shared folder,
//   (d) one box with two render workers on PostgreSQL behind HAProxy (the CPU of (c) on one machine),
// each box with one render worker unless said; while the burst runs, 8 clients ask state and credits through the front.
// Printed: renders per minute, how the queue spread them over the boxes, when the burst was done, and the
// p50/p99 of state and credits, idle and under the burst, as ratios to (a).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>
#include <vector>

#include "draft/draft.h"
#include "support/nemo_client.h"
#include "support/render_farm.h"

namespace {

using bgm::test::FarmKind;
using bgm::test::NemoClient;
using bgm::test::percentile;
using bgm::test::RenderFarm;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr int kTokens = 16, kPerToken = 2, kClients = 8;

struct Account {
  std::string token, session;
};

struct Figures {
  std::string name;
  double renders_per_minute = 0;
  double drain_s = 0;  // from the first submission to the last render's end
  std::map<std::string, int> per_box;
  std::vector<double> idle_ms, busy_ms;
  bool ok = false;
};

json music_draft(uint64_t seed) {
  bgm::Draft d;
  bgm::DraftMusic m;
  m.duration_ms = 10000;
  m.style = "lofi";
  m.prompt = "calm lo-fi";
  m.seed = seed;
  d.set_music(m);
  return d.as_json();
}

// kClients threads asking state and credits in turn until `stop` (and for at least `min_seconds`).
std::vector<double> hammer(const std::string& base, const Account& who, std::atomic<bool>& stop, double min_seconds) {
  std::vector<std::vector<double>> per(kClients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      NemoClient c(base);
      c.token = who.token;
      c.session = who.session;
      for (int n = 0; !stop || since(start) < min_seconds; ++n) {
        const auto t = Clock::now();
        auto a = n % 2 ? c.credits() : c.state();
        if (a.code() == 0) per[static_cast<size_t>(i)].push_back(since(t) * 1000);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> out;
  for (auto& v : per) out.insert(out.end(), v.begin(), v.end());
  return out;
}

Figures measure(const std::string& name, FarmKind kind, int boxes, int workers, bgm::test::PgCluster* cluster) {
  Figures f;
  f.name = name;
  bgm::test::FarmOptions o;
  o.kind = kind;
  o.boxes = boxes;
  o.time_scale = 1.0;
  o.serve_args = {"--workers", std::to_string(workers), "--rate", "1000000", "--credits", "1000"};
  RenderFarm farm(o, cluster);
  if (!farm.error().empty()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), farm.error().c_str());
    return f;
  }
  std::vector<Account> accounts;
  for (int t = 0; t < kTokens + 1; ++t) {
    NemoClient c(farm.front());
    c.token = c.anonymous_token("bench-" + std::to_string(t)).data().value("token", "");
    c.new_session();
    accounts.push_back({c.token, c.session});
  }
  const Account watcher = accounts.back();
  std::atomic<bool> stop{true};
  f.idle_ms = hammer(farm.front(), watcher, stop, 3.0);
  stop = false;
  const auto start = Clock::now();
  std::vector<std::thread> submit;
  for (int i = 0; i < kTokens * kPerToken; ++i) {
    submit.emplace_back([&, i] {
      NemoClient c(farm.front());
      c.token = accounts[static_cast<size_t>(i / kPerToken)].token;
      c.session = accounts[static_cast<size_t>(i / kPerToken)].session;
      c.start_export("burst" + std::to_string(i), music_draft(static_cast<uint64_t>(i + 1)));
    });
  }
  for (auto& t : submit) t.join();
  std::thread busy([&] { f.busy_ms = hammer(farm.front(), watcher, stop, 0); });
  double elapsed = 0;
  for (;;) {
    auto left = farm.sql("SELECT count(*) FROM renders WHERE status IN ('queued','running')");
    if (left && left->rows.at(0).integer(0) == 0) break;
    if (since(start) > 900) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  elapsed = since(start);
  stop = true;
  busy.join();
  auto rows = farm.sql("SELECT box, status, updated - created FROM renders");
  int done = 0;
  if (rows) {
    for (const auto& r : rows->rows) {
      if (r.text(1) != "completed") continue;
      ++done;
      const std::string box = r.text(0);
      ++f.per_box[box.substr(0, box.rfind('/'))];
    }
  }
  f.drain_s = elapsed;
  f.renders_per_minute = done / elapsed * 60.0;
  f.ok = done == kTokens * kPerToken;
  return f;
}

}  // namespace

int main() {
  bgm::test::PgCluster cluster;
  if (!cluster.error().empty()) {
    std::fprintf(stderr, "%s\n", cluster.error().c_str());
    return 1;
  }
  std::vector<Figures> all;
  all.push_back(measure("one box, SQLite, direct (the baseline)", FarmKind::kSqlite, 1, 1, nullptr));
  all.push_back(measure("one box, PostgreSQL, behind HAProxy", FarmKind::kPostgres, 1, 1, &cluster));
  all.push_back(measure("two boxes, PostgreSQL, behind HAProxy", FarmKind::kPostgres, 2, 1, &cluster));
  // The same CPU as two boxes on this machine: what the second box's gain here really is.
  all.push_back(measure("one box with two workers, PostgreSQL, behind HAProxy", FarmKind::kPostgres, 1, 2, &cluster));
  const Figures& base = all.front();
  std::printf("%d exports of 10 s of new music from %d tokens at once; one render worker per box unless said; %d clients asking state and credits\n\n",
              kTokens * kPerToken, kTokens, kClients);
  std::printf("| setup | renders/min | x baseline | renders per box | burst done in s | state+credits p50 ms idle / busy | p99 ms idle / busy | busy p99 x baseline |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (const auto& f : all) {
    std::string boxes;
    for (const auto& [box, n] : f.per_box) boxes += (boxes.empty() ? "" : " + ") + std::to_string(n);
    std::printf("| %s%s | %.1f | %.2fx | %s | %.1f | %.2f / %.2f | %.2f / %.2f | %.2fx |\n", f.name.c_str(), f.ok ? "" : " (INCOMPLETE)", f.renders_per_minute,
                f.renders_per_minute / std::max(base.renders_per_minute, 1e-9), boxes.c_str(), f.drain_s, percentile(f.idle_ms, 0.5),
                percentile(f.busy_ms, 0.5), percentile(f.idle_ms, 0.99), percentile(f.busy_ms, 0.99),
                percentile(f.busy_ms, 0.99) / std::max(percentile(base.busy_ms, 0.99), 1e-9));
  }
  for (const auto& f : all)
    if (!f.ok) return 1;
  return 0;
}
