// obs-bgm: the command-line face of the obs-bgm engine.
#include <clocale>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/version.h"
#include "media/ffmpeg_log.h"

namespace {

constexpr const char* kUsage =
    "obs-bgm " OBS_BGM_VERSION ": background music for recordings, composed offline.\n"
    "\n"
    "Usage: obs-bgm <command> [options]\n"
    "\n"
    "Commands:\n"
    "  score      score a recording: the same file back with music that fits it, mixed and muxed\n"
    "  generate   compose a piece from a prompt (text alone) and write it to a file\n"
    "  analyze    show what the music would follow in a video: cuts, motion, brightness, colour, mood\n"
    "  styles     list the styles the engine knows\n"
    "  chat       talk to the music agent: upload, generate, refine (\"make it calmer\"), export\n"
    "  credits    the credits left on the NemoVideo cloud or a render server (the local engine is free)\n"
    "  serve      serve the NemoVideo API on this machine's engine (sessions, chat, uploads, export)\n"
    "  help       show this help; 'obs-bgm <command> --help' for a command's options\n"
    "  version    print the version\n"
    "\n"
    "score, generate and chat run on this machine (offline, free) unless given --backend nemovideo: then on the\n"
    "NemoVideo cloud, or on the render server at --api-base URL (a studio's 'obs-bgm serve').\n"
    "\n"
    "Exit codes: 0 ok, 1 unexpected failure, 2 bad command line, 3 input missing or unreadable,\n"
    "4 something needed is not installed (SoundFont), 5 output cannot be written, 6 processing failed,\n"
    "7 a server refused or failed, 130 cancelled.\n"
    "\n"
    "Examples:\n"
    "  obs-bgm score recording.mkv                         music for a recording: recording-bgm.mkv beside it\n"
    "  obs-bgm score clip.mkv --preset shorts -p \"upbeat\"   a vertical video for YouTube Shorts\n"
    "  obs-bgm generate -p \"calm lo-fi, 2 minutes\" -o bed.m4a     music from text alone\n"
    "  obs-bgm chat recording.mkv                          refine by talking: \"make it calmer\", \"export\"\n"
    "  obs-bgm serve --listen 0.0.0.0:8765 --token-file tokens.txt   a render box for a studio\n";

int run(int argc, char** argv) {
  bgm::quiet_ffmpeg_logging();
  bgm::cap_ffmpeg_allocations();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? bgm::cli::kExitUsage : bgm::cli::kExitOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "version" || command == "--version") {
    std::printf("%s %s\n", OBS_BGM_NAME, OBS_BGM_VERSION);
    return bgm::cli::kExitOk;
  }
  if (command == "generate") return bgm::cli::run_generate(args);
  if (command == "styles") return bgm::cli::run_styles(args);
  if (command == "analyze") return bgm::cli::run_analyze(args);
  if (command == "score") return bgm::cli::run_score(args);
  if (command == "serve") return bgm::cli::run_serve(args);
  if (command == "chat") return bgm::cli::run_chat(args);
  if (command == "credits") return bgm::cli::run_credits(args);
  std::fprintf(stderr, "obs-bgm: unknown command '%s'.\n\n%s", command.c_str(), kUsage);
  return bgm::cli::kExitUsage;
}

}  // namespace

// No exception leaves the tool: whatever escapes a command is reported as an unexpected failure (exit 1).
int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "C");
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fputs("obs-bgm: ran out of memory. Close other programs and try again.\n", stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "obs-bgm: unexpected failure: %s. Please report it.\n", e.what());
  } catch (...) {
    std::fputs("obs-bgm: unexpected failure. Please report it.\n", stderr);
  }
  return bgm::cli::kExitFailure;
}
