#pragma once
// The one door for JSON we did not write: request bodies, drafts, a server's answers and events, sidecars and
// settings files. The text is checked for size and nesting before nlohmann builds anything, because its copies and
// comparisons recurse: a 150,000-deep array parses, then overflows the stack on the first copy. A limit of 64
// levels is far above any shape we read (a draft is 5 deep) and far below what recursion can survive.
// Thread: pure functions; any thread.

#include <cstddef>
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace bgm {

struct JsonLimits {
  size_t max_bytes = 16u << 20;
  int max_depth = 64;
};

// The deepest nesting of arrays and objects in `text`, counted outside strings; stops counting past `stop_at`.
int json_depth(std::string_view text, int stop_at);

// Errors (kInvalidArgument): over max_bytes, nested deeper than max_depth, not JSON. `what` names the text in the
// message ("The request body", "The server's answer").
Result<nlohmann::json> read_json(std::string_view text, std::string_view what, const JsonLimits& limits = {});
// The same for a file; kNotFound when it cannot be opened.
Result<nlohmann::json> read_json_file(const std::filesystem::path& file, std::string_view what, const JsonLimits& limits = {});

}  // namespace bgm
