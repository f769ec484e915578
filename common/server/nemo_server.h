#pragma once
// `obs-bgm serve`: the NemoVideo API (see ../../docs/serve.md) on the local engine, so the cloud client
// drives our engine and the cloud alike. Tokens (stored hashed) with credits, sessions with drafts, streamed
// chat turns (SSE), uploads streamed to disk, state, render export with expiring unguessable download links.
// Secure by default: loopback unless told otherwise, then no anonymous tokens unless allowed; every call but the
// token request and the download link needs a token; bodies, uploads and queues are capped; 429 over a rate.
// It holds against hostile clients (../../RELIABILITY.md, "The render server"): an event-driven HTTP front
// (httpd/), one server per data folder on SQLite, and what a killed process left is settled at the next start. On
// PostgreSQL (`database`), several boxes share the database and the folder (../../docs/scale-out.md): renders wait
// in the database and any box serves any session.
// Thread: start() and stop() from one controlling thread; the server runs its own threads.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "synth/soundfont_synth.h"

namespace bgm {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8765;  // 0: any free port (tests)
  std::filesystem::path data_dir;
  // Empty: SQLite in the data folder, one server. "postgresql://...": several boxes on one database, each with the
  // same --data (a shared folder: NFS, or one disk).
  std::string database;
  bool allow_anonymous = true;   // the command line turns it off for a non-loopback address unless asked
  std::optional<std::filesystem::path> token_file;  // issued tokens, one per line ("token [credits]")
  std::optional<std::filesystem::path> tls_cert, tls_key;
  int workers = 0;                // 0: the machine's cores
  int requests_per_minute = 300;  // per token; over it: 429
  int credits_per_token = 100;
  double time_scale = 1.0;        // heartbeats every 10 s, rate windows of a minute, sweeps every 10 min: * scale (tests)
  int64_t link_lifetime_s = 24 * 3600;
  // What download links start with ("https://music.studio.lan"); empty: the address the client reached.
  std::string public_url;
  size_t max_connections = 1024;            // open at once
  size_t max_connections_per_address = 128;  // from one client address (behind a proxy: raise it)
  // Proxies whose X-Forwarded-For names the client (its last entry): rates per address count clients, not the proxy.
  std::vector<std::string> trusted_proxies;
  bool allow_local_url_sources = false;      // tests only (not on the command line): URL uploads from loopback
  SynthOptions synth;
};

class NemoServer {
 public:
  explicit NemoServer(ServeOptions options);
  ~NemoServer();
  NemoServer(const NemoServer&) = delete;
  NemoServer& operator=(const NemoServer&) = delete;

  // Opens the data folder, resumes unfinished renders, binds and starts serving on a thread of its own.
  // Errors: kIo (data folder, address in use), kInvalidArgument (TLS files).
  Status start();
  // The address it listens on ("http://127.0.0.1:8765").
  std::string url() const;
  // Reads --token-file again (SIGHUP): removed tokens stop working, changed credits apply. Returns what changed,
  // in words for the log. Thread: the controlling thread, while running.
  Result<std::string> reload_tokens();
  // Stops accepting, fails waiting work, cancels running work (renders are resumed at the next start), joins.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bgm
