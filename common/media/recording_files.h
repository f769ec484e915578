#pragma once
// The recordings in a folder: media files obs-bgm can score, without the results it wrote beside them
// ("-bgm", "-music", analysis files), for a batch ("obs-bgm score FOLDER", the dock's "the last N recordings").
// Thread: any thread.

#include <cstddef>
#include <filesystem>
#include <vector>

namespace bgm {

// Whether `file` is a result obs-bgm writes beside a recording (never a recording to score).
bool is_our_result(const std::filesystem::path& file);
// By name. An unreadable folder gives none.
std::vector<std::filesystem::path> recordings_in(const std::filesystem::path& folder);
// The `n` most recently written, newest first.
std::vector<std::filesystem::path> newest_recordings(const std::filesystem::path& folder, size_t n);

}  // namespace bgm
