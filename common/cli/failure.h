#pragma once
// How every obs-bgm command reports a failure: the message on standard error (and as JSON on standard output
// with --json), and the exit code for the error. Thread: main thread.

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace bgm::cli {

int report_failure(const Error& error, bool json);
// Whether the raw arguments ask for JSON (before they are parsed, so parse errors are JSON too).
bool wants_json(const std::vector<std::string>& argv);

struct Args;
struct ArgSpec;
// Every command's opening: parses `argv` into `out`; prints `help` for --help. Returns the exit code when the
// command is already done (help shown, or a bad command line reported), nothing when it should go on.
std::optional<int> parse_command(const std::vector<std::string>& argv, const ArgSpec& spec, const char* help, Args& out);

}  // namespace bgm::cli
