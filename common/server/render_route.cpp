// POST /api/render/proxy/lambda: an export of a session's draft, queued for a worker; its id is the client's
// own (per token). Music the session made in a turn was charged then; new music an export makes costs like
// generation, frozen at the call and charged when the render completes.
#include <cmath>

#include "core/json_field.h"
#include "core/random_id.h"
#include "server/server_core.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

int64_t ServerCore::export_cost(const std::string& session, const DraftMusic& music) {
  if (!music.source.empty()) {
    auto made = store->media_by_id(session, music.source);
    if (made && *made && (*made)->kind == "generated" && music.duration_ms <= json_field<int64_t>((*made)->info, "duration_ms", 0) + 1000) {
      return 0;
    }
  }
  return static_cast<int64_t>(std::ceil(std::max<int64_t>(0, music.duration_ms) / 10000.0));  // one credit per started 10 s
}

void ServerCore::run_render(RenderRecord r, const CancelToken* cancel) {
  if (cancel->cancelled()) return;  // stopping: back in the queue
  auto draft = Draft::from_json(r.draft);
  Result<fs::path> out = draft ? Result<fs::path>(fs::path()) : Result<fs::path>(draft.error());
  if (draft) {
    const std::string file = "renders/" + random_id("f_") + "." + service->export_extension(*draft, r.format);
    out = service->export_draft(r.session, *draft, store->absolute(file), cancel, {});
    if (out) r.file = fs::relative(*out, store->data_dir()).string();
  }
  if (cancel->cancelled()) {  // stopping, or another box took it over: its run is the one that counts
    std::error_code ec;
    if (out) fs::remove(*out, ec);
    return;
  }
  if (out) {
    r.status = RenderStatus::kCompleted;
    r.download_key = random_id("", 24);
    r.expires_ms = now_ms() + options.link_lifetime_s * 1000;
  } else {
    r.status = RenderStatus::kFailed;
    r.error = out.error().message;
  }
  auto held = jobs->finish(r);
  std::error_code ec;
  if (held && !*held && out) fs::remove(*out, ec);  // the lease was lost meanwhile: the other box's file is the one named
  if (!held) log("render " + r.id.substr(std::min<size_t>(17, r.id.size())) + ": " + held.error().message);
}

void ServerCore::start_render(ExchangePtr ex, const TokenRecord& token, const json& body) {
  const httpd::Request& req = ex->request();
  if (req.header(nemo::kHeaderSkillSource).empty() || req.header(nemo::kHeaderSkillVersion).empty() || req.header(nemo::kHeaderSkillPlatform).empty()) {
    return reply(*ex, nemo::Code::kPaidPlan, "Export needs the attribution headers X-Skill-Source, X-Skill-Version and X-Skill-Platform.");
  }
  auto session = owned_session(json_field<std::string>(body, "sessionId", ""), token);
  if (!session) return reply_error(*ex, session.error());
  const std::string id = json_field<std::string>(body, "id", "");
  if (id.empty() || id.size() > 64 || id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return reply(*ex, nemo::Code::kBadRequest, "The render id must be 1-64 letters, digits, '_' or '-' (e.g. render_1733000000).");
  }
  auto existing = store->render(render_key(token.hash, id));
  if (existing && *existing) return reply(*ex, 200, 0, "ok", {{"id", id}, {"status", render_status_name((*existing)->status)}});
  const json draft_json = body.contains("draft") ? body["draft"] : session->draft.as_json();
  auto draft = Draft::from_json(draft_json);
  if (!draft) return reply_error(*ex, draft.error());
  const auto music = draft->music();
  if (!music) return reply(*ex, nemo::Code::kBadRequest, "Nothing to export yet: ask for music first.");
  // Every media id the draft names must be this session's: refused now, not failed later.
  const auto video = draft->video();
  for (const std::string& source : {video ? video->source : std::string(), music->source}) {
    if (source.empty()) continue;
    auto m = store->media_by_id(session->id, source);
    if (!m) return reply_error(*ex, m.error());
    if (!*m) return reply(*ex, nemo::Code::kBadRequest, "The draft names media this session does not hold (" + source.substr(0, 64) + "): upload it here first.");
  }
  RenderRecord r;
  r.credits = export_cost(session->id, *music);
  r.id = render_key(token.hash, id);
  r.session = session->id;
  r.owner = token.hash;
  r.draft = draft->as_json();
  r.format = body.contains("output") ? json_field<std::string>(body["output"], "format", "mp4") : "mp4";
  if (r.format != "mp4" && r.format != "mov" && r.format != "mkv" && r.format != "webm") r.format = "mp4";
  r.created_ms = now_ms();
  // Under the caps of every box, its credits frozen and its row made, at once.
  auto admitted = jobs->admit_render(r);
  if (!admitted) return reply_error(*ex, admitted.error());
  if (*admitted == Admission::kBusy) {
    return reply(*ex, nemo::Code::kRateLimited, "Too much work is waiting. Wait for your earlier requests to finish, then try again.");
  }
  if (*admitted == Admission::kNoCredits) {
    return reply(*ex, nemo::Code::kNoCredits, "Out of credits: this export makes " + std::to_string(music->duration_ms / 1000) + " s of new music and needs " +
                                     std::to_string(r.credits) + ".");
  }
  if (*admitted == Admission::kExists) {  // the same id sent twice at once: the first one counts
    auto existing_now = store->render(r.id);
    const char* status = existing_now && *existing_now ? render_status_name((*existing_now)->status) : "queued";
    return reply(*ex, 200, 0, "ok", {{"id", id}, {"status", status}});
  }
  pump->wake();
  reply(*ex, 200, 0, "ok", {{"id", id}, {"status", "queued"}});
}

}  // namespace bgm
