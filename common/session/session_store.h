#pragma once
// Where sessions live: tokens (hashed) and their credits, sessions with their drafts, media (uploads and
// generated music) and render jobs, in a database (SQLite in the data folder, or one PostgreSQL for several boxes
// sharing the folder), with the files in the folder:
//   DATA/obs-bgm.db, DATA/sessions/<session id>/<media id>.<ext>, DATA/renders/<render id>.<ext>
// Every id is made here (never taken from a request), so no path is ever built from what a client sent.
// Everything survives a restart of the process.
// Thread: every member may be called from any thread (SharedDatabase serialises the calls).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "draft/draft.h"
#include "store/database.h"

namespace bgm {

struct TokenRecord {
  std::string hash;       // SHA-256 of the token
  std::string client_id;  // the X-Client-Id it was issued to ("" for issued tokens)
  bool anonymous = true;
  int64_t created_ms = 0, expires_ms = 0;  // expires 0: never
  int64_t total = 0, available = 0, frozen = 0;  // total = available + frozen
  int64_t granted = -1;  // an issued token: the credits --token-file gives it (-1: not known)
};

struct SessionRecord {
  std::string id, owner, task_id, language;  // owner: the token's hash ("local" in-process)
  int64_t created_ms = 0;
  Draft draft;        // the timeline a turn talks to: the focused upload's
  std::string focus;  // that upload's media id ("" before any)
};

struct MediaRecord {
  std::string id, session;
  std::string kind;  // "upload" or "generated"
  std::string name;  // what a person calls it (the uploaded file's name, "Lo-fi")
  std::string file;  // relative to the data folder
  nlohmann::json info = nlohmann::json::object();  // duration_ms, has_video, width, height, ...
  int64_t created_ms = 0;
};

enum class RenderStatus { kQueued, kRunning, kCompleted, kFailed };
const char* render_status_name(RenderStatus status);

struct RenderRecord {
  std::string id;  // render_key(owner, the client's id): a client's ids are its own
  std::string session, owner;
  RenderStatus status = RenderStatus::kQueued;
  nlohmann::json draft = nlohmann::json::object();
  std::string format = "mp4";
  std::string file;          // relative to the data folder, once completed
  std::string download_key;  // the unguessable part of the download link
  int64_t expires_ms = 0;    // the link's end
  std::string error;
  int64_t created_ms = 0, updated_ms = 0;
  int64_t credits = 0;       // what it costs (frozen while it waits and runs, charged when it completes)
};

// The columns a render row is read with, and the record they make (for server/job_store.h's claims).
inline constexpr const char* kRenderColumns =
    "id, session, owner, status, draft, format, file, download_key, expires, error, created, updated, credits";
RenderRecord render_from(const SqlRow& row);

// The stored id of the render a token calls `client_id`: ids are per token, never shared.
std::string render_key(const std::string& owner, const std::string& client_id);

int64_t now_ms();

// The credit moves as single statements, for a caller that holds the database already (inside a transaction):
// freeze `n` (false when fewer are available: one conditional update, never a read then a write), and settle a
// freeze of `frozen` of which `charged` is spent.
Result<bool> freeze_credits_in(SqlDatabase& db, const std::string& hash, int64_t n);
Status settle_credits_in(SqlDatabase& db, const std::string& hash, int64_t frozen, int64_t charged);
// Creates the render, or updates what it is (status, file, link, error); who runs it (server/job_store.h) stays.
// For a caller inside a transaction.
Status put_render_in(SqlDatabase& db, const RenderRecord& render);

class SessionStore {
 public:
  // Creates the folder (0700) and its SQLite database when missing. Errors: kIo.
  static Result<std::unique_ptr<SessionStore>> open(const std::filesystem::path& data_dir);
  // The folder's files with the tables in `db` (PostgreSQL for several boxes): the schema is set up or brought up
  // to date under the database's setup lock, so boxes may start at once. Errors: kIo.
  static Result<std::unique_ptr<SessionStore>> open(const std::filesystem::path& data_dir, std::unique_ptr<SqlDatabase> db);

  // The database, for the other tables of the same store (server/job_store.h).
  const std::shared_ptr<SharedDatabase>& database() const { return db_; }

  const std::filesystem::path& data_dir() const { return dir_; }
  // Whether the database answers (SELECT 1).
  bool ping();
  std::filesystem::path absolute(const std::string& relative) const { return dir_ / relative; }
  // A new file name for a session's media: "sessions/<sid>/<id><ext>" (the folder is created).
  Result<std::string> media_file_for(const std::string& session, const std::string& id, const std::string& ext);

  Status put_token(const TokenRecord& token);
  struct IssueLimits {
    int64_t per_client = 5, per_address = 30;  // new anonymous tokens within the window
    int64_t window_ms = 3600 * 1000;
  };
  // A new anonymous token given to `address`, unless its client id or address had their share within the window
  // (counted in the database, so the limits hold on every box): false then, and nothing is stored.
  Result<bool> issue_anonymous_token(const TokenRecord& token, const std::string& address, const IssueLimits& limits);
  Result<std::optional<TokenRecord>> token(const std::string& hash);
  // Moves `n` credits from available to frozen; false when not enough are available.
  Result<bool> freeze_credits(const std::string& hash, int64_t n);
  // Ends a freeze of `frozen`: `charged` of it is spent, the rest returns to available.
  Status settle_credits(const std::string& hash, int64_t frozen, int64_t charged);
  // Issued (anonymous false) or anonymous tokens.
  Result<std::vector<TokenRecord>> tokens(bool anonymous);
  Status delete_token(const std::string& hash);
  // --token-file now gives an issued token `granted` credits: the difference from what it gave before is added
  // (or taken, down to 0); what was spent stays spent.
  Status set_token_grant(const std::string& hash, int64_t granted);

  Result<SessionRecord> create_session(const std::string& owner, const std::string& language);
  Result<std::optional<SessionRecord>> session(const std::string& id);
  // Saves the focused timeline (the session's draft, and the focused upload's own copy).
  Status save_draft(const std::string& session, const Draft& draft);
  // Several uploads, each with its own timeline: `media` becomes the one turns talk to, with `draft`.
  Status focus(const std::string& session, const std::string& media, const Draft& draft);
  // An upload's own timeline, if it has one yet.
  Result<std::optional<Draft>> timeline(const std::string& session, const std::string& media);

  Result<MediaRecord> add_media(MediaRecord media);  // media.id must be set (made by the caller with random_id)
  Result<std::vector<MediaRecord>> media(const std::string& session);
  Result<std::optional<MediaRecord>> media_by_id(const std::string& session, const std::string& id);
  Status update_media_info(const std::string& id, const nlohmann::json& info);

  Result<std::optional<RenderRecord>> render(const std::string& id);
  Result<std::optional<RenderRecord>> render_by_key(const std::string& key);
  // Completed renders whose link expired before `now`: their files are returned (to delete); the rows stay, so an
  // expired link is told apart from one that never was.
  Result<std::vector<std::string>> expire_renders(int64_t now);
  // Every file a render row names (relative to the data folder).
  Result<std::vector<std::string>> render_files();

 private:
  SessionStore(std::filesystem::path dir, std::shared_ptr<SharedDatabase> db) : dir_(std::move(dir)), db_(std::move(db)) {}
  Result<SqlResult> query(std::string_view sql, const std::vector<SqlValue>& params = {});
  Status run(std::string_view sql, const std::vector<SqlValue>& params = {});
  std::filesystem::path dir_;
  std::shared_ptr<SharedDatabase> db_;
};

}  // namespace bgm
