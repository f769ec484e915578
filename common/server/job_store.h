#pragma once
// The work of every box in the database: renders wait there as rows and a box claims one at a time (FOR UPDATE
// SKIP LOCKED on PostgreSQL, so boxes never wait on each other's claims), holding it with a lease it renews while
// it runs; a lease that runs out (a box killed or cut off) puts the render back for another box, and after
// `max_failures` the render fails with a message for its client. Chat turns run on the box that holds their
// stream, but are counted here too, so the caps (per token, and in all) hold across boxes, and the credits a turn
// froze come back if its box dies. Fairness: the token with the fewest renders running goes first.
// Thread: every member may be called from any thread.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "session/session_store.h"
#include "store/database.h"

namespace bgm {

struct JobLimits {
  int64_t per_owner = 4;   // renders and turns waiting or running, per token
  int64_t total = 64;      // the same, in all
  int64_t lease_ms = 60000;
  int64_t max_failures = 5;
};

enum class Admission { kAdmitted, kBusy, kNoCredits, kExists };

struct ReclaimReport {
  int requeued = 0;  // renders back in the queue
  int failed = 0;    // renders given up on
  int turns = 0;     // turns of a dead box, their credits returned
};

class JobStore {
 public:
  // `box` names this process in the table (unique per process).
  JobStore(std::shared_ptr<SharedDatabase> db, std::string box, JobLimits limits);

  const std::string& box() const { return box_; }
  const JobLimits& limits() const { return limits_; }

  // A new render: under the caps, its credits frozen and its row made (queued), all at once; kExists when its id
  // is taken already (nothing changes). Errors: kIo.
  Result<Admission> admit_render(const RenderRecord& render);
  // A new turn of `owner`'s on this box, under the caps. Errors: kIo.
  Result<Admission> admit_turn(const std::string& turn, const std::string& owner, const std::string& session);
  // Credits a turn spends: frozen on its row, so they return if this box dies mid-turn.
  Result<bool> freeze_for_turn(const std::string& turn, const std::string& owner, int64_t n);
  Status settle_for_turn(const std::string& turn, const std::string& owner, int64_t frozen, int64_t charged);
  Status end_turn(const std::string& turn);

  // The next render for this box, leased to it; nullopt when none waits.
  Result<std::optional<RenderRecord>> claim();
  // The render's end (completed or failed, with its file, link or error) and its credits settled, if this box
  // still holds it. False when the lease was lost (another box runs it now): nothing is written.
  Result<bool> finish(const RenderRecord& render);
  // Renews the leases of what this box runs. Returns the renders it no longer holds (to cancel).
  Result<std::vector<std::string>> renew();
  // Expired leases of every box: renders back in the queue or failed, dead turns' credits returned.
  Result<ReclaimReport> reclaim(int64_t now);
  // A box that stops: its running renders go back to the queue, uncounted as failures.
  Status requeue_mine();
  // A box alone on its database (SQLite, under the data folder's lock), at start: what a stopped process left runs
  // again (running renders count a failure), every freeze is recomputed from the renders that wait.
  Result<ReclaimReport> recover_alone();

 private:
  Result<Admission> admit(SqlDatabase& d, const std::string& owner);
  std::shared_ptr<SharedDatabase> db_;
  std::string box_;
  JobLimits limits_;
  std::mutex mine_mutex_;
  std::set<std::string> renders_, turns_;  // what this box holds
};

}  // namespace bgm
