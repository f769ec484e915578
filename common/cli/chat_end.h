#pragma once
// What `obs-bgm chat` talks to: the in-process agent on the local engine, or a NemoVideo server (the cloud, a
// studio's `obs-bgm serve`). The command routes each line (the seed's table) to one of these.
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

namespace bgm::cli {

class ChatEnd {
 public:
  virtual ~ChatEnd() = default;
  virtual void upload(const std::string& path, Language lang) = 0;
  virtual void chat(const std::string& line) = 0;
  virtual void state(Language lang) = 0;
  virtual void credits(Language lang) = 0;
  virtual void export_to(const RoutedLine& routed, Language lang) = 0;
};

void say(const std::string& text);
// Where an export of `draft` goes: the path asked for, or a new name in the folder asked for (else `output`),
// named after the draft's recording (else the last upload): "clip-bgm.mp4", "clip-bgm-shorts.mp4".
std::filesystem::path export_target(const RoutedLine& routed, const std::filesystem::path& output, const Draft& draft,
                                    const std::string& last_upload, const std::string& ext);

// Connects ("Connecting..." then ready with credits) and returns the end, or prints why not and returns null.
std::unique_ptr<ChatEnd> connect_remote_chat(const NemoConfig& config, const std::optional<std::string>& session,
                                             std::filesystem::path output, CancelToken& cancel);

}  // namespace bgm::cli
