#include "nemo/nemo_render.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <chrono>
#include <fstream>

#include "core/atomic_file.h"
#include "core/json_field.h"
#include "core/json_read.h"
#include "core/json_text.h"
#include "core/random_id.h"
#include "core/text.h"
#include "media/media_probe.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kJournalFile = "nemovideo-renders.json";

// The extension of the file a download link names ("mp4" for ".../x.mp4?sig=..."), "" when none.
std::string url_extension(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  const auto slash = path.rfind('/');
  if (slash != std::string::npos) path = path.substr(slash + 1);
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return {};
  const std::string ext = ascii_lower(std::string_view(path).substr(dot + 1));
  static const char* kKnown[] = {"mp4", "mov", "m4a", "mp3", "wav", "webm", "mkv"};
  for (const char* k : kKnown)
    if (ext == k) return ext;
  return {};
}

// Moves the finished `from` to `wanted` (or "name-2.ext"...), never replacing a file: link() refuses an existing
// name. Errors: kIo.
Result<fs::path> place_without_replacing(const fs::path& from, const fs::path& wanted) {
  if (int fd = ::open(from.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  const std::string stem = wanted.stem().string(), ext = wanted.extension().string();
  for (int n = 1; n < 10000; ++n) {
    const fs::path candidate = wanted.parent_path() / (stem + (n == 1 ? "" : "-" + std::to_string(n)) + ext);
    if (::link(from.c_str(), candidate.c_str()) == 0) {
      ::unlink(from.c_str());
      return candidate;
    }
    if (errno != EEXIST) return make_error(ErrorCode::kIo, "Could not write " + candidate.string() + ": " + std::strerror(errno) + ".");
  }
  return make_error(ErrorCode::kIo, "Could not find a free name for " + wanted.string() + ".");
}

// One lock for the journal file of every RenderJournal of the process (the cloud's and a render server's backends).
std::mutex& file_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

fs::path render_part_path(const PendingRender& r) {
  return r.destination.parent_path() / ("." + r.destination.stem().string() + "." + r.id + ".part");
}

RenderJournal::RenderJournal(fs::path state_dir) : file_(state_dir.empty() ? fs::path() : state_dir / kJournalFile) {}

std::vector<PendingRender> RenderJournal::read_locked() const {
  std::vector<PendingRender> out;
  if (file_.empty()) return out;
  const json doc = read_json_file(file_, "The render journal").value_or(json());
  if (!doc.is_object() || !doc.contains("renders") || !doc["renders"].is_array()) return out;
  for (const auto& j : doc["renders"]) {
    PendingRender r;
    r.id = json_field<std::string>(j, "id", "");
    r.api_base = json_field<std::string>(j, "api_base", "");
    r.session = json_field<std::string>(j, "session", "");
    r.destination = json_field<std::string>(j, "destination", "");
    r.exact = json_field<bool>(j, "exact", false);
    if (j.contains("about") && j["about"].is_object()) r.about = j["about"];
    if (!r.id.empty() && !r.destination.empty()) out.push_back(std::move(r));
  }
  return out;
}

Status RenderJournal::write_locked(const std::vector<PendingRender>& all) const {
  if (file_.empty()) return {};
  json list = json::array();
  for (const auto& r : all) {
    list.push_back({{"id", r.id}, {"api_base", r.api_base}, {"session", r.session}, {"destination", r.destination.string()}, {"exact", r.exact}, {"about", r.about}});
  }
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  return write_file_atomically(file_, json_text(json{{"renders", list}}) + "\n", OutputPolicy{false, true});
}

std::vector<PendingRender> RenderJournal::list(const std::string& api_base) const {
  std::lock_guard lock(file_mutex());
  std::vector<PendingRender> out;
  for (auto& r : read_locked())
    if (r.api_base == api_base) out.push_back(std::move(r));
  return out;
}

Status RenderJournal::put(const PendingRender& render) {
  std::lock_guard lock(file_mutex());
  auto all = read_locked();
  std::erase_if(all, [&](const PendingRender& r) { return r.id == render.id; });
  all.push_back(render);
  return write_locked(all);
}

Status RenderJournal::remove(const std::string& id) {
  std::lock_guard lock(file_mutex());
  auto all = read_locked();
  std::erase_if(all, [&](const PendingRender& r) { return r.id == id; });
  return write_locked(all);
}

Result<fs::path> start_nemo_render(NemoApi& api, RenderJournal& journal, PendingRender render, const json& draft,
                                   const std::string& format, const ProgressFn& progress, const CancelToken* cancel) {
  if (render.id.empty()) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    render.id = "render_" + std::to_string(ms) + "_" + random_id("", 4);
  }
  render.api_base = api.config().api_base;
  if (progress) progress(Stage::kWaiting, kIndeterminate);
  NemoCall c;
  c.method = "POST";
  c.path = nemo::kRouteRender;
  c.body = json{{"id", render.id}, {"sessionId", render.session}, {"draft", draft}, {"output", {{"format", format}, {"quality", "high"}}}};
  // Remembered first: a render that the server took while we were cut off is still delivered later.
  if (auto ok = journal.put(render); !ok) return ok.error();
  auto started = api.call(c, cancel);
  if (!started) {
    if (started.error().code != ErrorCode::kCancelled) (void)journal.remove(render.id);
    return started.error();
  }
  return deliver_nemo_render(api, journal, render, progress, cancel);
}

Result<fs::path> deliver_nemo_render(NemoApi& api, RenderJournal& journal, const PendingRender& render, const ProgressFn& progress,
                                     const CancelToken* cancel) {
  std::string url;
  for (int poll = 0;; ++poll) {
    if (poll > 0 && !cancel_sleep(cancel, api.config().wait(30))) return make_error(ErrorCode::kCancelled, "Cancelled.");
    NemoCall c;
    c.path = std::string(nemo::kRouteRender) + "/" + render.id;
    auto st = api.call(c, cancel);
    if (!st) {
      if (st.error().code == ErrorCode::kNotFoundRemote) (void)journal.remove(render.id);  // the server forgot it
      return st.error();
    }
    const std::string status = json_field<std::string>(*st, "status", "");
    if (status == "completed") {
      if (st->contains("output") && (*st)["output"].is_object()) url = json_field<std::string>((*st)["output"], "url", "");
      if (url.empty()) {
        (void)journal.remove(render.id);
        return make_error(ErrorCode::kNetwork, "The export finished without a file to download. Export again.");
      }
      break;
    }
    if (status == "failed" || status == "error") {
      (void)journal.remove(render.id);
      const std::string why = json_field<std::string>(*st, "error", "");
      return make_error(ErrorCode::kNetwork, "The service could not render the export" + (why.empty() ? std::string() : ": " + why.substr(0, 300)) +
                                                 ". Try exporting again.");
    }
    if (progress) progress(Stage::kWaiting, st->contains("progress") && (*st)["progress"].is_number() ? (*st)["progress"].get<double>() / 100.0 : kIndeterminate);
    if (poll >= kMaxRenderPolls) {
      return make_error(ErrorCode::kNetwork, "The export has not finished after an hour. It stays remembered: it is delivered when it is ready.");
    }
  }
  PendingRender placed = render;
  if (const std::string ext = url_extension(url); !ext.empty() && !render.exact) placed.destination.replace_extension(ext);
  const fs::path part = render_part_path(render);
  if (progress) progress(Stage::kDownloading, 0);
  auto got = api.download(url, part, [&](int64_t done, int64_t total) {
    if (progress && total > 0) progress(Stage::kDownloading, static_cast<double>(done) / static_cast<double>(total));
  }, cancel);
  if (!got) {
    if (got.error().code == ErrorCode::kNotFoundRemote) (void)journal.remove(render.id);
    return got.error();
  }
  // What is placed is a file a player opens: an error page or a cut file never takes the result's name.
  const std::string ext = placed.destination.extension().string();
  if (auto readable = probe_media_as(part, ext.empty() ? "" : ext.substr(1), cancel); !readable) {
    std::error_code ec;
    fs::remove(part, ec);
    (void)journal.remove(render.id);
    if (readable.error().code == ErrorCode::kCancelled) return readable.error();
    return make_error(ErrorCode::kNetwork, "The service's file is not a readable " + placed.destination.extension().string() +
                                               " file, so it was not kept. Try the export again.");
  }
  Result<fs::path> file = placed.destination;
  if (render.exact) {
    std::error_code ec;
    fs::rename(part, placed.destination, ec);
    if (ec) file = make_error(ErrorCode::kIo, "Could not write " + placed.destination.string() + ": " + ec.message() + ".");
  } else {
    file = place_without_replacing(part, placed.destination);
  }
  if (!file) return file.error();
  (void)journal.remove(render.id);
  if (progress) progress(Stage::kDone, 1);
  return *file;
}

}  // namespace bgm
