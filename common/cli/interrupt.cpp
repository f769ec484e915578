#include "cli/interrupt.h"

#include <csignal>

namespace bgm::cli {
namespace {

CancelToken g_token;

extern "C" void obs_bgm_on_interrupt(int) { g_token.request_cancel(); }

}  // namespace

CancelToken& cancel_on_interrupt() {
  std::signal(SIGINT, obs_bgm_on_interrupt);
  std::signal(SIGTERM, obs_bgm_on_interrupt);
  return g_token;
}

}  // namespace bgm::cli
