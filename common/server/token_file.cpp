#include "server/token_file.h"

#include <fstream>
#include <map>

#include "core/random_id.h"

namespace bgm {

Result<TokenFileReport> apply_token_file(SessionStore& store, const std::optional<std::filesystem::path>& file, int64_t default_credits,
                                         bool allow_anonymous) {
  std::map<std::string, int64_t> given;  // token hash -> credits
  if (file) {
    std::ifstream in(*file);
    if (!in) return make_error(ErrorCode::kIo, "Could not read the token file " + file->string() + ".");
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      const auto space = line.find(' ');
      const std::string token = line.substr(0, space);
      if (token.empty()) continue;
      int64_t credits = default_credits;
      if (space != std::string::npos) credits = std::max<int64_t>(0, std::atoll(line.c_str() + space + 1));
      given[sha256_hex(token)] = credits;
    }
  }
  TokenFileReport report;
  report.issued = static_cast<int>(given.size());
  auto issued = store.tokens(false);
  if (!issued) return issued.error();
  for (const auto& t : *issued) {
    if (given.count(t.hash)) continue;
    if (auto ok = store.delete_token(t.hash); !ok) return ok.error();
    ++report.revoked;
  }
  for (const auto& [hash, credits] : given) {
    auto known = store.token(hash);
    if (!known) return known.error();
    if (*known && !(*known)->anonymous) {
      if (auto ok = store.set_token_grant(hash, credits); !ok) return ok.error();
      continue;
    }
    if (auto ok = store.put_token({hash, "", false, now_ms(), 0, credits, credits, 0, credits}); !ok) return ok.error();
  }
  if (!allow_anonymous) {
    auto anonymous = store.tokens(true);
    if (!anonymous) return anonymous.error();
    for (const auto& t : *anonymous) {
      if (auto ok = store.delete_token(t.hash); !ok) return ok.error();
      ++report.anonymous_revoked;
    }
  }
  return report;
}

}  // namespace bgm
