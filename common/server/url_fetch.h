#pragma once
// Fetching an upload given by URL ({"urls": [...]}): http and https only, and never an address inside the
// server's own networks or this machine (loopback, private, link-local, carrier-grade NAT, the special-purpose
// ranges, multicast, IPv6 forms that carry such an IPv4 address, the machine's own addresses): the name is resolved
// once, every address checked, and the connection pinned to the checked address (no DNS rebinding, no proxy from
// the environment); no redirects; at most `max_bytes`; a source under 1 KB/s for 30 s is given up.
// Thread: any thread; blocks for the download.

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/cancel.h"
#include "core/result.h"

namespace bgm {

// True for addresses an upload URL may not reach (textual IPv4 or IPv6).
bool is_internal_address(const std::string& address);

// Errors: kInvalidArgument (scheme, internal address, over the size), kNetwork (unreachable, HTTP error).
// Returns the file name the URL's path ends with ("clip.mp4").
// `allow_local` turns the address check off: for tests that serve a source on loopback, never for users.
Result<std::string> fetch_url(const std::string& url, const std::filesystem::path& to, uint64_t max_bytes, const CancelToken* cancel,
                              bool allow_local = false);

}  // namespace bgm
