#include "cli/interrupt.h"

#include <unistd.h>

#include <csignal>
#include <cstring>

namespace bgm::cli {
namespace {

CancelToken g_token;
volatile std::sig_atomic_t g_hangup = 0;

extern "C" void obs_bgm_on_hangup(int) { g_hangup = 1; }

// The first Ctrl+C (or SIGTERM) asks the job to stop cleanly; the handler then resets itself (SA_RESETHAND), so a
// second one ends the tool at once, even if something is stuck where no cancel check is reached.
extern "C" void obs_bgm_on_interrupt(int) {
  g_token.request_cancel();
  static const char kMessage[] = "\nobs-bgm: stopping (press Ctrl+C again to quit at once)...\n";
  const ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
}

void install(int signal) {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = obs_bgm_on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // no SA_RESTART: a blocked read returns EINTR and FFmpeg checks the token
  sigaction(signal, &action, nullptr);
}

}  // namespace

bool take_hangup() {
  static const bool installed = [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = obs_bgm_on_hangup;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(SIGHUP, &action, nullptr) == 0;
  }();
  (void)installed;
  if (!g_hangup) return false;
  g_hangup = 0;
  return true;
}

CancelToken& cancel_on_interrupt() {
  install(SIGINT);
  install(SIGTERM);
  return g_token;
}

}  // namespace bgm::cli
