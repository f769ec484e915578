// The command line: any argv (split at NUL bytes) against the options of `generate`, and every value read as a
// number and a whole number: a clear error or a value, never a crash or a wrapped number.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/args.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) argv.emplace_back();
    else argv.back() += static_cast<char>(data[i]);
  }
  bgm::cli::ArgSpec spec;
  spec.with_value = {"--prompt", "--duration", "--seed", "--tempo", "-o"};
  spec.flags = {"--json", "--loop", "--help"};
  spec.aliases = {{"-d", "--duration"}, {"-h", "--help"}};
  const auto args = bgm::cli::parse_args(argv, spec);
  if (!args) {
    FUZZ_CHECK(!args.error().message.empty());
    return 0;
  }
  for (const auto& [name, value] : args->values) {
    if (const auto n = args->number(name); n && *n) FUZZ_CHECK(std::isfinite(**n));
    if (const auto w = args->whole(name); w && *w) FUZZ_CHECK(value.find('-') == std::string::npos);
  }
  return 0;
}
