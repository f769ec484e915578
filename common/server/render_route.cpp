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

Status ServerCore::queue_render(RenderRecord r) {
  auto ok = queue->submit(r.owner, [this, r](const CancelToken* cancel) { run_render(r, cancel); });
  if (!ok) {
    if (r.credits) (void)store->settle_credits(r.owner, r.credits, 0);
    r.status = RenderStatus::kFailed;
    r.error = ok.error().message;
    (void)store->put_render(r);
  }
  return ok;
}

void ServerCore::run_render(RenderRecord r, const CancelToken* cancel) {
  if (cancel->cancelled()) return;  // shutting down: resumed at the next start
  r.status = RenderStatus::kRunning;
  (void)store->put_render(r);
  auto draft = Draft::from_json(r.draft);
  Result<fs::path> out = draft ? Result<fs::path>(fs::path()) : Result<fs::path>(draft.error());
  if (draft) {
    const std::string file = "renders/" + random_id("f_") + "." + service->export_extension(*draft, r.format);
    out = service->export_draft(r.session, *draft, store->absolute(file), cancel, {});
    if (out) r.file = fs::relative(*out, store->data_dir()).string();
  }
  if (!out && out.error().code == ErrorCode::kCancelled && cancel->cancelled()) return;  // stays running: resumed later
  if (out) {
    r.status = RenderStatus::kCompleted;
    r.download_key = random_id("", 24);
    r.expires_ms = now_ms() + options.link_lifetime_s * 1000;
  } else {
    r.status = RenderStatus::kFailed;
    r.error = out.error().message;
  }
  if (r.credits) (void)store->settle_credits(r.owner, r.credits, out ? r.credits : 0);
  (void)store->put_render(r);
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
  if (r.credits > 0) {
    auto frozen = store->freeze_credits(token.hash, r.credits);
    if (!frozen) return reply_error(*ex, frozen.error());
    if (!*frozen) {
      return reply(*ex, nemo::Code::kNoCredits, "Out of credits: this export makes " + std::to_string(music->duration_ms / 1000) + " s of new music and needs " +
                                       std::to_string(r.credits) + ".");
    }
  }
  r.id = render_key(token.hash, id);
  r.session = session->id;
  r.owner = token.hash;
  r.draft = draft->as_json();
  r.format = body.contains("output") ? json_field<std::string>(body["output"], "format", "mp4") : "mp4";
  if (r.format != "mp4" && r.format != "mov" && r.format != "mkv" && r.format != "webm") r.format = "mp4";
  r.created_ms = now_ms();
  if (auto ok = store->put_render(r); !ok) {
    if (r.credits) (void)store->settle_credits(token.hash, r.credits, 0);
    return reply_error(*ex, ok.error());
  }
  if (auto ok = queue_render(r); !ok) return reply_error(*ex, ok.error());
  reply(*ex, 200, 0, "ok", {{"id", id}, {"status", "queued"}});
}

}  // namespace bgm
