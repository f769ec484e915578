// POST /run_sse: one chat turn, run on a worker, its events streamed back as Server-Sent Events. A turn waiting
// for a worker holds no thread: its stream is woken when there is something to write.
#include <cmath>
#include <map>

#include "core/json_field.h"
#include "core/random_id.h"
#include "server/event_channel.h"
#include "server/server_core.h"
#include "server/sse_source.h"
#include "spec/prompt_parser.h"

namespace bgm {
using json = nlohmann::json;

namespace {

// A turn's error event: the protocol's code where the client has a recovery for it (credits, rate, session), else
// a server error.
int sse_code(const Error& e) {
  using nemo::Code;
  const Code c = nemo::code_for(e);
  return c == Code::kNoCredits || c == Code::kPaidPlan || c == Code::kRateLimited || c == Code::kNoSession ? nemo::code_value(c)
                                                                                                           : nemo::code_value(Code::kServerError);
}

// The user's words: the text parts of new_message, joined.
std::string message_of(const json& body) {
  std::string message;
  const auto m = body.find("new_message");
  if (m == body.end() || !m->is_object() || !m->contains("parts") || !(*m)["parts"].is_array()) return message;
  for (const auto& p : (*m)["parts"]) {
    const std::string text = json_field<std::string>(p, "text", "");
    if (!text.empty()) message += (message.empty() ? "" : "\n") + text;
  }
  return message;
}

}  // namespace

void ServerCore::chat(ExchangePtr ex, const TokenRecord& token, const json& body) {
  auto session = owned_session(json_field<std::string>(body, "session_id", ""), token);
  if (!session) return reply_error(*ex, session.error());
  const std::string message = message_of(body);
  if (auto ok = check_prompt_length(message); !ok) return reply_error(*ex, ok.error());

  auto channel = std::make_shared<EventChannel>();
  const std::string invocation = random_id("inv_", 8);
  const std::string sid = session->id, owner = token.hash;
  // Counted with every box's work (the caps hold across boxes); run here, where its stream is.
  const std::string turn = random_id("turn_");
  auto admitted = jobs->admit_turn(turn, owner, sid);
  if (!admitted) return reply_error(*ex, admitted.error());
  if (*admitted != Admission::kAdmitted) {
    return reply(*ex, nemo::Code::kRateLimited, "Too much work is waiting. Wait for your earlier requests to finish, then try again.");
  }
  auto submitted = queue->submit(owner, [this, channel, invocation, sid, owner, message, turn](const CancelToken* cancel) {
    int calls = 0;
    std::map<const AgentCall*, std::string> ids;
    auto call_id = [&](const AgentCall& c) {
      auto it = ids.find(&c);
      if (it == ids.end()) it = ids.emplace(&c, "call_" + std::to_string(++calls)).first;
      return it->second;
    };
    int64_t frozen = 0;
    ChatEvents ev;
    ev.text = [&](const std::string& t) { channel->push(text_event(invocation, t, true)); };
    ev.call = [&](const AgentCall& c) { channel->push(call_event(invocation, call_id(c), c.name, c.args)); };
    ev.call_done = [&](const AgentCall& c, const json& r) { channel->push(response_event(invocation, call_id(c), c.name, r)); };
    ev.before_render = [&](double seconds) -> Status {
      const auto cost = static_cast<int64_t>(std::ceil(seconds / 10.0));  // one credit per started 10 s of music
      auto ok = jobs->freeze_for_turn(turn, owner, cost);
      if (!ok) return ok.error();
      if (!*ok) return Error(ErrorCode::kQuota, "Out of credits: this needs " + std::to_string(cost) + ".", nemo::code_value(nemo::Code::kNoCredits));
      frozen = cost;
      return {};
    };
    ev.after_render = [&](bool made) {
      (void)jobs->settle_for_turn(turn, owner, frozen, made ? frozen : 0);
      frozen = 0;
    };
    try {
      auto slot = slots->take();  // with the box's renders, at most --workers engine jobs at once
      CancelToken stopped;
      if (!slot) stopped.request_cancel();
      auto out = service->chat(sid, message, ev, slot ? cancel : &stopped);
      if (out) channel->push(text_event(invocation, out->reply, false));
      else channel->push(error_event(invocation, sse_code(out.error()), out.error().message));
    } catch (const std::exception& e) {
      // A bug must not leave the stream waiting forever: it ends with the error, and the credits are released.
      if (frozen) (void)jobs->settle_for_turn(turn, owner, frozen, 0);
      channel->push(error_event(invocation, 500, std::string("Something went wrong on the server: ") + e.what()));
    }
    (void)jobs->end_turn(turn);
    channel->close();
  });
  if (!submitted) {
    (void)jobs->end_turn(turn);
    return reply_error(*ex, submitted.error());
  }
  ++streams;  // counted until its last event is written or its client is gone: stop() waits for that
  httpd::Response head;
  head.content_type = "text/event-stream";
  head.headers = {{"Cache-Control", "no-cache"}};
  const auto heartbeat = std::chrono::milliseconds(static_cast<int64_t>(10000 * options.time_scale));
  ex->answer_stream(std::move(head), std::make_shared<SseSource>(channel, heartbeat, [this] { --streams; }));
}

}  // namespace bgm
