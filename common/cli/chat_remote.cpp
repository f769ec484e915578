// `obs-bgm chat --backend nemovideo`: connecting to a NemoVideo server.
#include "cli/chat_end.h"
#include "nemo/remote_conversation.h"

namespace bgm::cli {

std::unique_ptr<Conversation> connect_remote_chat(const NemoConfig& config, const std::optional<std::string>& session, CancelToken& cancel) {
  say("Connecting...");
  auto conv = std::make_unique<RemoteConversation>(config);
  if (auto ok = conv->connect(session, &cancel); !ok) {
    say(ok.error().message);
    return nullptr;
  }
  auto c = conv->credits(&cancel);
  if (!c) {
    say(c.error().message);
    return nullptr;
  }
  say("Ready: " + config.name + (*c ? " · " + credits_text(**c, false) : std::string()) + " (session " + conv->session() +
      "; continue it later with --session " + conv->session() + ").");
  return conv;
}

}  // namespace bgm::cli
