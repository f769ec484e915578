#pragma once
// Exports through the NemoVideo API: POST the render (the same id when it must be sent again), poll at once and
// then every 30 s until it is completed, download output.url into a partial file beside the destination (resumed
// after a cut, and after a restart), and move it into place under a name that exists nowhere yet. A render in
// progress is written in a journal (<state_dir>/nemovideo-renders.json) until its file is delivered, so quitting
// OBS in the middle does not orphan it: the next start resumes it.
// Thread: RenderJournal is safe from any thread (one lock for the file in the process); the functions block on the
// caller's worker.

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/progress.h"
#include "nemo/nemo_api.h"

namespace bgm {

struct PendingRender {
  std::string id;                     // "render_<ms>_<hex>"
  std::string api_base;               // the server it runs on
  std::string session;
  std::filesystem::path destination;  // the wanted file; its extension follows the service's file
  bool exact = false;                 // the destination was asked for by name: it is replaced, not renamed "-2"
  nlohmann::json about = nlohmann::json::object();  // what the caller needs to present the result (style, summary...)
};

class RenderJournal {
 public:
  explicit RenderJournal(std::filesystem::path state_dir);
  std::vector<PendingRender> list(const std::string& api_base) const;
  Status put(const PendingRender& render);
  Status remove(const std::string& id);

 private:
  std::vector<PendingRender> read_locked() const;
  Status write_locked(const std::vector<PendingRender>& all) const;
  std::filesystem::path file_;
};

inline constexpr int kMaxRenderPolls = 120;  // an hour at the protocol's 30 s

// Starts rendering `draft` (format "mp4", or "m4a" for the music alone) and delivers it. Returns the file.
// Errors: those of NemoApi (kQuota 402 for a free plan...), kNetwork when the render failed, kCancelled (the render
// stays in the journal and is delivered at the next start).
Result<std::filesystem::path> start_nemo_render(NemoApi& api, RenderJournal& journal, PendingRender render,
                                                const nlohmann::json& draft, const std::string& format, const ProgressFn& progress,
                                                const CancelToken* cancel);
// Waits for a render already started and delivers it (removed from the journal once delivered or failed for good).
Result<std::filesystem::path> deliver_nemo_render(NemoApi& api, RenderJournal& journal, const PendingRender& render,
                                                  const ProgressFn& progress, const CancelToken* cancel);

// The partial file of a render's download, beside its destination (hidden).
std::filesystem::path render_part_path(const PendingRender& render);

}  // namespace bgm
