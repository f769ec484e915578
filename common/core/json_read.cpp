#include "core/json_read.h"

#include <fstream>
#include <string>

namespace bgm {

int json_depth(std::string_view text, int stop_at) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > stop_at) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> read_json(std::string_view text, std::string_view what, const JsonLimits& limits) {
  const std::string name(what);
  if (text.size() > limits.max_bytes) {
    return make_error(ErrorCode::kInvalidArgument, name + " is over " + std::to_string(limits.max_bytes >> 10) + " KB of JSON.");
  }
  if (json_depth(text, limits.max_depth) > limits.max_depth) {
    return make_error(ErrorCode::kInvalidArgument,
                      name + " nests arrays or objects more than " + std::to_string(limits.max_depth) + " deep.");
  }
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return make_error(ErrorCode::kInvalidArgument, name + " is not valid JSON.");
  return doc;
}

Result<nlohmann::json> read_json_file(const std::filesystem::path& file, std::string_view what, const JsonLimits& limits) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, std::string(what) + " could not be opened.");
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > limits.max_bytes) break;  // read_json says so without holding the rest
  }
  return read_json(text, what, limits);
}

}  // namespace bgm
