// obs-bgm chat: the seed's conversation in a terminal, on the in-process agent and the local engine.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "agent/intent_router.h"
#include "backend/backend.h"
#include "cli/args.h"
#include "cli/chat_end.h"
#include "cli/remote_job.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/failure.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "core/json_field.h"
#include "core/random_id.h"
#include "core/text.h"
#include "draft/draft_summary.h"
#include "session/local_conversation.h"
#include "session/session_service.h"

namespace bgm::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp =
    "Usage: obs-bgm chat [FILE...] [--session ID] [--data DIR] [--output DIR] [--backend nemovideo [--api-base URL]]\n"
    "\n"
    "Talk to the music agent: upload a recording (or just describe the music), then refine it line by line:\n"
    "\"make it calmer\", \"switch to jazz\", \"music at 20%\", \"add the title 'Urban Dreams' for 3 seconds\",\n"
    "\"make 0:30 to 0:45 more intense\". \"status\" shows the timeline, \"export\" (or \"export 1080p\",\n"
    "\"export to FILE\", \"export for Shorts\", \"导出抖音\", \"export 1:20 to 2:50 for Shorts\") renders it, \"upload FILE\"\n"
    "adds media. Several recordings each get their own timeline: \"for the second clip: calm piano\", \"now do\n"
    "intro.mp4\", \"same music for all of them\"; \"export all\" renders each. English and Chinese both work.\n"
    "Sessions are kept in --data (default ~/.local/share/obs-bgm); --session ID continues one.\n"
    "Exports go to --output (default: the current folder).\n"
    "With --backend nemovideo the conversation is with the NemoVideo cloud (or the server at --api-base): uploads\n"
    "leave this machine and generating uses credits; \"credits\" shows them.\n"
    "\n"
    "Examples:\n"
    "  obs-bgm chat rec.mkv                  then: \"generate background music\", \"make it calmer\", \"export 720p\"\n"
    "  obs-bgm chat --session SESSION_ID     continue a conversation\n"
    "  obs-bgm chat --backend nemovideo rec.mkv   the same on the NemoVideo cloud (uploads, uses credits)\n";

fs::path default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "obs-bgm";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local/share/obs-bgm";
  return "obs-bgm-data";
}

}  // namespace

int run_chat(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.with_value = {"--session", "--data", "--output", "--backend", "--api-base"};
  spec.flags = {"--help"};
  auto args = parse_args(argv, spec);
  if (!args) return report_failure(args.error(), false);
  if (args->has("--help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  auto remote = remote_backend_from(*args);
  if (!remote) return report_failure(remote.error(), false);
  CancelToken& cancel = cancel_on_interrupt();
  const fs::path output = args->get("--output").value_or(".");
  if (std::error_code ec; !fs::is_directory(output, ec)) {
    fs::create_directories(output, ec);  // the folder asked for exports: made, like a download folder
    if (ec) return report_failure(make_error(ErrorCode::kIo, "Could not create " + output.string() + ": " + ec.message() + "."), false);
  }
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<SessionService> service;
  std::unique_ptr<Conversation> conversation;
  if (*remote) {
    conversation = connect_remote_chat(**remote, args->get("--session"), cancel);
    if (!conversation) return kExitRemote;
  } else {
    say("Connecting...");
    auto opened = SessionStore::open(args->get("--data").value_or(default_data_dir().string()));
    if (!opened) return report_failure(opened.error(), false);
    store = std::move(*opened);
    service = std::make_unique<SessionService>(*store, ServiceOptions{});
    std::string session;
    if (auto id = args->get("--session")) {
      auto s = store->session(*id);
      if (!s || !*s) return report_failure(make_error(ErrorCode::kNotFound, "No session " + id->substr(0, 80) + " in this data folder."), false);
      session = *id;
    } else {
      auto s = store->create_session("local", "en");
      if (!s) return report_failure(s.error(), false);
      session = s->id;
    }
    conversation = std::make_unique<LocalConversation>(*service, session);
    say("Ready: the local engine, offline and free (session " + session + "; continue it later with --session " + session + ").");
  }
  ChatEnd chat(*conversation, output, cancel);
  for (const auto& file : args->positionals) chat.upload(file, Language::kEnglish);
  say("Tell me what music you would like, or upload a video. \"status\" shows the timeline, \"export\" renders it.");
  std::string line;
  while (!cancel.cancelled() && std::getline(std::cin, line)) {
    const std::string_view text = trim(line);
    if (text.empty()) continue;
    if (text == "quit" || text == "exit" || text == "退出") break;
    const Language lang = detect_language(text);
    const RoutedLine r = route_line(text);
    switch (r.intent) {
      case Intent::kUpload:
        // "now do intro.mp4": a file name that is not a file here names one of the session's recordings.
        if (!r.said_upload && !fs::exists(r.path)) chat.chat(std::string(text));
        else chat.upload(r.path, lang);
        break;
      case Intent::kCredits: chat.credits(lang); break;
      case Intent::kState: chat.state(lang); break;
      case Intent::kExport: chat.export_to(r, lang); break;
      case Intent::kChat: chat.chat(std::string(text)); break;
    }
  }
  return kExitOk;
}

}  // namespace bgm::cli
