#pragma once
// The SQLite end of store/database.h: one file, WAL journal, foreign keys on, a 5 s busy timeout, mode 0600 (tokens
// and sessions are the owner's alone). Thread: as SqlDatabase (one owner at a time).

#include <filesystem>
#include <memory>

#include "core/result.h"
#include "store/database.h"

namespace bgm {

// Opens or creates the file. Errors: kIo.
Result<std::unique_ptr<SqlDatabase>> open_sqlite(const std::filesystem::path& path);

}  // namespace bgm
