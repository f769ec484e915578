#include "cli/args.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace bgm::cli {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<double>> Args::number(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::optional<double>{};
  char* end = nullptr;
  errno = 0;
  const double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || errno != 0 || !std::isfinite(d)) {
    return make_error(ErrorCode::kInvalidArgument, name + " expects a number, not '" + *v + "'.");
  }
  return std::optional<double>{d};
}

Result<std::optional<uint64_t>> Args::whole(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::optional<uint64_t>{};
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v->c_str(), &end, 10);
  // Digits only: strtoull would accept " -5" and wrap it to a huge number.
  const bool digits = !v->empty() && v->find_first_not_of("0123456789") == std::string::npos;
  if (!digits || *end != '\0' || errno != 0) {
    return make_error(ErrorCode::kInvalidArgument, name + " expects a whole number, not '" + *v + "'.");
  }
  return std::optional<uint64_t>{static_cast<uint64_t>(n)};
}

Result<Args> parse_args(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argv.size(); ++i) args.positionals.push_back(argv[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      args.positionals.push_back(a);
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    if (auto al = spec.aliases.find(a); al != spec.aliases.end()) a = al->second;
    if (spec.flags.count(a)) {
      if (inline_value) return make_error(ErrorCode::kInvalidArgument, a + " takes no value.");
      args.flags.insert(a);
    } else if (spec.with_value.count(a)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) return make_error(ErrorCode::kInvalidArgument, a + " needs a value.");
        value = argv[++i];
      }
      args.values[a] = value;
    } else {
      return make_error(ErrorCode::kInvalidArgument, "Unknown option " + a + ". See --help.");
    }
  }
  return args;
}

}  // namespace bgm::cli
