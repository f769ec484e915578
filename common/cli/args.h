#pragma once
// A small command-line parser: "--name value", "--name=value", "-o value", flags, and positionals.
// Thread: main thread.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace bgm::cli {

struct ArgSpec {
  std::set<std::string> with_value;  // "--prompt", "-o", ...
  std::set<std::string> flags;       // "--loop", "--json", ...
  std::map<std::string, std::string> aliases;  // "-o" -> "--output"
};

struct Args {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  std::vector<std::string> positionals;

  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::optional<std::string> get(const std::string& name) const;
  // Parses a number; errors name the option and say what is expected.
  Result<std::optional<double>> number(const std::string& name) const;
  Result<std::optional<uint64_t>> whole(const std::string& name) const;
};

Result<Args> parse_args(const std::vector<std::string>& argv, const ArgSpec& spec);

}  // namespace bgm::cli
