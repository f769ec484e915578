// obs-bgm serve: the NemoVideo API on this machine's engine, for a studio's OBS machines (docs/serve.md).
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "server/nemo_server.h"
#include "store/postgres.h"

namespace bgm::cli {
namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm serve [--listen 127.0.0.1:8765] [--data DIR] [--db postgresql://...] [--allow-anonymous] [--token-file FILE]\n"
    "                     [--tls-cert FILE --tls-key FILE] [--workers N] [--rate N] [--credits N]\n"
    "                     [--public-url URL] [--max-connections N] [--max-connections-per-address N]\n"
    "                     [--trusted-proxy ADDR]\n"
    "\n"
    "Serves the NemoVideo API (tokens, sessions, chat over SSE, uploads, credits, state, render export) on the\n"
    "local engine until Ctrl+C or SIGTERM. --listen defaults to loopback; another address turns anonymous tokens\n"
    "off unless --allow-anonymous: give clients tokens from --token-file (one per line: TOKEN [CREDITS]).\n"
    "--data (default ./obs-bgm-data) holds the database, uploads and renders; it survives restarts.\n"
    "--workers: renders and chat turns at once (default: the machine's cores); --rate: requests per minute per\n"
    "token (default 300); --credits: credits of a new token (default 100).\n"
    "--token-file is read at every start and on SIGHUP: a token removed from it stops working, a changed credit\n"
    "count applies. One server per --data folder, unless --db is given.\n"
    "--db postgresql://USER@HOST:5432/DB: several render boxes behind a load balancer, each with this --db and the\n"
    "same --data (a shared folder); any box serves any session (docs/scale-out.md). Keep the password out of the\n"
    "command line: ~/.pgpass or PGPASSWORD. Without --db: SQLite in --data, one box.\n"
    "--public-url: what download links start with (e.g. https://music.studio.lan, behind a proxy); by default\n"
    "the address the client reached. --max-connections (default 1024) and --max-connections-per-address\n"
    "(default 128; raise it behind a proxy, where every client has the proxy's address) cap open connections.\n"
    "--trusted-proxy ADDR[,ADDR]: the load balancers whose X-Forwarded-For names the client, so rates per address\n"
    "count clients. GET /healthz answers 200 while the box can serve (for the load balancer's checks).\n"
    "\n"
    "Examples:\n"
    "  obs-bgm serve                                        this machine only (127.0.0.1:8765)\n"
    "  obs-bgm serve --listen 0.0.0.0:8765 --token-file /etc/obs-bgm/tokens   a studio's render box\n";

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0; }

}  // namespace

int run_serve(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--listen", "--data", "--db", "--token-file", "--tls-cert", "--tls-key", "--workers", "--rate", "--credits", "--public-url",
                     "--max-connections", "--max-connections-per-address", "--trusted-proxy"};
  spec.flags = {"--allow-anonymous", "--help"};
  auto args = parse_args(argv, spec);
  if (!args) return report_failure(args.error(), false);
  if (args->has("--help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  ServeOptions options;
  const std::string listen = args->get("--listen").value_or("127.0.0.1:8765");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return report_failure(make_error(ErrorCode::kInvalidArgument, "--listen takes HOST:PORT, e.g. 127.0.0.1:8765."), false);
  }
  options.host = listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[') options.host = options.host.substr(1, options.host.size() - 2);
  options.port = std::atoi(listen.c_str() + colon + 1);
  if (options.port < 0 || options.port > 65535) return report_failure(make_error(ErrorCode::kInvalidArgument, "The port must be 0-65535."), false);
  options.data_dir = args->get("--data").value_or("obs-bgm-data");
  options.database = args->get("--db").value_or("");
  if (auto proxies = args->get("--trusted-proxy")) {
    for (size_t at = 0; at <= proxies->size();) {
      const size_t comma = std::min(proxies->find(',', at), proxies->size());
      if (comma > at) options.trusted_proxies.push_back(proxies->substr(at, comma - at));
      at = comma + 1;
    }
  }
  options.allow_anonymous = is_loopback(options.host) || args->has("--allow-anonymous");
  if (auto f = args->get("--token-file")) options.token_file = *f;
  if (args->has("--tls-cert") != args->has("--tls-key")) {
    return report_failure(make_error(ErrorCode::kInvalidArgument, "TLS needs both --tls-cert and --tls-key."), false);
  }
  if (auto c = args->get("--tls-cert")) options.tls_cert = *c, options.tls_key = *args->get("--tls-key");
  for (auto [name, target] : {std::pair{"--workers", &options.workers}, std::pair{"--rate", &options.requests_per_minute},
                              std::pair{"--credits", &options.credits_per_token}}) {
    auto n = args->whole(name);
    if (!n) return report_failure(n.error(), false);
    if (*n) *target = static_cast<int>(std::min<uint64_t>(**n, 1000000));
  }
  for (auto [name, target] : {std::pair{"--max-connections", &options.max_connections},
                              std::pair{"--max-connections-per-address", &options.max_connections_per_address}}) {
    auto n = args->whole(name);
    if (!n) return report_failure(n.error(), false);
    if (*n) *target = static_cast<size_t>(std::clamp<uint64_t>(**n, 1, 100000));
  }
  if (auto u = args->get("--public-url")) {
    if (u->rfind("http://", 0) != 0 && u->rfind("https://", 0) != 0) {
      return report_failure(make_error(ErrorCode::kInvalidArgument, "--public-url takes an http:// or https:// URL."), false);
    }
    options.public_url = *u;
    while (!options.public_url.empty() && options.public_url.back() == '/') options.public_url.pop_back();
  }
  if (const char* scale = std::getenv("OBS_BGM_NEMO_TIME_SCALE")) options.time_scale = std::clamp(std::atof(scale), 0.001, 10.0);

  // Each open connection is a file descriptor: the soft limit (often 1024) is raised as far as the hard one allows.
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 65536);
    (void)::setrlimit(RLIMIT_NOFILE, &files);
  }
  CancelToken& stop = cancel_on_interrupt();
  NemoServer server(options);
  if (auto ok = server.start(); !ok) return report_failure(ok.error(), false);
  const std::string database = options.database.empty() ? std::string() : "; database " + redact_postgres_url(options.database);
  std::printf("obs-bgm serve: listening on %s (data in %s%s%s)\n", server.url().c_str(), options.data_dir.c_str(), database.c_str(),
              options.allow_anonymous ? "; anonymous tokens on" : "; tokens from --token-file only");
  std::fflush(stdout);
  (void)take_hangup();  // installs the handler
  while (!stop.cancelled()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!take_hangup()) continue;
    auto reloaded = server.reload_tokens();
    std::printf("obs-bgm serve: tokens reloaded: %s\n", reloaded ? reloaded->c_str() : reloaded.error().message.c_str());
    std::fflush(stdout);
  }
  std::printf("obs-bgm serve: stopping\n");
  std::fflush(stdout);
  server.stop();
  return kExitOk;
}

}  // namespace bgm::cli
