#pragma once
// JSON text that never throws. Paths and prompts are bytes on Linux, not always UTF-8: bytes that are not UTF-8
// become U+FFFD instead of an exception (nlohmann's dump() throws type_error 316 on them).
// Thread: pure function; any thread.

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace bgm {

std::string json_text(const nlohmann::json& value, int indent = 2);

}  // namespace bgm
