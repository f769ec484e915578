#pragma once
// What `obs-bgm chat` does with each line it routed (the seed's table): uploads, turns, the timeline, credits and
// exports, in the words of the line's language, on any Conversation (this machine's, or a NemoVideo server's).
// Thread: main thread.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "agent/intent_router.h"
#include "agent/language.h"
#include "core/cancel.h"
#include "draft/draft.h"
#include "nemo/nemo_config.h"
#include "session/conversation.h"

namespace bgm::cli {

class ChatEnd {
 public:
  ChatEnd(Conversation& conversation, std::filesystem::path output, CancelToken& cancel)
      : conv_(conversation), output_(std::move(output)), cancel_(cancel) {}

  void upload(const std::string& path, Language lang);
  void chat(const std::string& line);
  void state(Language lang);
  void credits(Language lang);
  void export_to(const RoutedLine& routed, Language lang);

 private:
  void export_one(Draft draft, const RoutedLine& routed, Language lang);
  void report_cancel();

  Conversation& conv_;
  std::filesystem::path output_;
  CancelToken& cancel_;
  std::string last_upload_;
};

void say(const std::string& text);
// "87 credits (3 in use)"
std::string credits_text(const Credits& credits, bool chinese);
// Where an export of `draft` goes: the path asked for, or a new name in the folder asked for (else `output`),
// named after the draft's recording (else the last upload): "clip-bgm.mp4", "clip-bgm-shorts.mp4".
std::filesystem::path export_target(const RoutedLine& routed, const std::filesystem::path& output, const Draft& draft,
                                    const std::string& last_upload, const std::string& ext);

// Connects to a NemoVideo server ("Connecting..." then ready with credits) and returns the conversation, or prints
// why not and returns null.
std::unique_ptr<Conversation> connect_remote_chat(const NemoConfig& config, const std::optional<std::string>& session, CancelToken& cancel);

}  // namespace bgm::cli
