#pragma once
// Unguessable identifiers and secrets from the kernel's random source, and SHA-256 for storing secrets hashed.
// Thread: any thread.

#include <string>
#include <string_view>

namespace bgm {

// prefix + 2 * bytes lowercase hex characters ("s_3f9a..."). Ids made here never come from user input, so they
// are safe as file names.
std::string random_id(std::string_view prefix, size_t bytes = 16);
// A version 4 UUID ("1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"): client ids.
std::string random_uuid();
// A random 64-bit number (seeds).
unsigned long long random_u64();
// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);
// True when `id` is prefix + hex only, at most 80 characters: checked before an id from a request is used.
bool looks_like_id(std::string_view id, std::string_view prefix);

}  // namespace bgm
