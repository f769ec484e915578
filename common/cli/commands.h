#pragma once
// The obs-bgm subcommands. Each takes the arguments after its name and returns the process exit code.
// Thread: main thread.

#include <string>
#include <vector>

namespace bgm::cli {

int run_generate(const std::vector<std::string>& args);
int run_styles(const std::vector<std::string>& args);
int run_analyze(const std::vector<std::string>& args);
int run_score(const std::vector<std::string>& args);
int run_serve(const std::vector<std::string>& args);
int run_chat(const std::vector<std::string>& args);
int run_credits(const std::vector<std::string>& args);

}  // namespace bgm::cli
