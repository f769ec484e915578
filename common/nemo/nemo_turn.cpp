#include "nemo/nemo_turn.h"

#include "core/json_field.h"
#include "draft/draft_diff.h"
#include "draft/draft_summary.h"
#include "nemo/nemo_state.h"
#include "http/sse_parser.h"
#include "nemo/turn_reader.h"

namespace bgm {
namespace {

using json = nlohmann::json;

Draft draft_of(const json& state, const json* before = nullptr) { return draft_of_state(state, before).value_or(Draft()); }

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

Result<json> read_nemo_state(NemoApi& api, const std::string& session, const CancelToken* cancel) {
  NemoCall c;
  c.path = nemo::kRouteState + session + nemo::kStateSuffix;
  auto data = api.call(c, cancel);
  if (!data) return data.error();
  return data->contains("state") && (*data)["state"].is_object() ? (*data)["state"] : json::object();
}

Result<TurnOutcome> run_nemo_turn(NemoApi& api, const std::string& session, const std::string& message, Language lang,
                                  const TurnEvents& events, const CancelToken* cancel) {
  const bool zh = lang == Language::kChinese;
  auto before = read_nemo_state(api, session, cancel);
  if (!before) return before.error();
  const json body = {{"app_name", "nemo_agent"}, {"user_id", "me"}, {"session_id", session},
                     {"new_message", {{"role", "user"}, {"parts", json::array({{{"text", message}}})}}}};
  TurnReader reader(events, lang, api.config().wait(120));
  SseParser parser([&](const SseEvent& e) { return reader.event(e); }, [&] { reader.heartbeat(); });
  uint64_t received = 0;
  auto streamed = api.stream(nemo::kRouteChat, body, [&](std::string_view bytes) {
    received += bytes.size();
    return received <= api.config().max_turn_bytes && parser.feed(bytes);
  }, [&] { reader.tick(); }, cancel);
  if (parser.overflowed() || received > api.config().max_turn_bytes) {
    return make_error(ErrorCode::kNetwork, zh ? "服务发来的回复过大（单条事件超过 1 MB 或整轮超过 64 MB），已停止读取。请再试一次。"
                                              : "The service sent more than a turn can hold (an event over 1 MB, or over 64 MB in all), so obs-bgm "
                                                "stopped reading it. Try again.");
  }
  if (!streamed && (streamed.error().code != ErrorCode::kNetwork || !api.last_request_sent())) return streamed.error();
  parser.feed("\n\n");  // a last event without its blank line still counts
  reader.finish();
  if (reader.error_code()) return api.error_for(reader.error_code(), 200, reader.error_message());

  TurnOutcome out;
  out.before = *before;
  out.reply = reader.reply();
  out.offer_export = reader.offer_export();
  const Draft was = draft_of(*before);
  if (!streamed || !reader.ended()) {
    // Dropped: the message may have been taken. Never send it again; watch the state instead.
    if (events.notice) events.notice(zh ? "连接中断了。我不会重发消息，正在查看结果……" : "The connection dropped. I won't send your message again; checking the result...");
    for (int check = 0; check < kDropChecks; ++check) {
      if (!cancel_sleep(cancel, api.config().wait(30))) return make_error(ErrorCode::kCancelled, "Cancelled.");
      auto now = read_nemo_state(api, session, cancel);
      if (!now) {
        if (now.error().code == ErrorCode::kCancelled) return now.error();
        continue;
      }
      if (*now != *before) {
        out.state = *now;
        out.recovered = true;
        const std::string change = describe_draft_change(was, draft_of(*now, &*before), lang);
        out.reply = trimmed(out.reply);
        out.reply += (out.reply.empty() ? "" : "\n") + (change.empty() ? (zh ? "已完成。" : "Done.") : change);
        if (events.text) events.text(change);
        return out;
      }
    }
    return make_error(ErrorCode::kNetwork, zh ? "连接中断，查看了 5 次结果都没有变化：这次没有完成。请再说一次。"
                                              : "The connection dropped and the session did not change in 5 checks: the request did not go through. Say it again to retry.");
  }
  const bool needs_state = trimmed(out.reply).empty() || reader.show_timeline();
  if (needs_state) {
    auto now = read_nemo_state(api, session, cancel);
    if (!now) return now.error();
    out.state = *now;
    std::string add;
    if (trimmed(out.reply).empty()) {
      add = describe_draft_change(was, draft_of(*now, &*before), lang);
      if (add.empty()) add = zh ? "服务没有回复文字，时间线也没有变化。换个说法试试？" : "The service finished without a word, and the timeline did not change. Try saying it another way?";
    }
    if (reader.show_timeline()) add += (add.empty() ? "" : "\n") + summarize_draft(draft_of(*now, &*before), lang);
    out.reply = trimmed(out.reply);
    out.reply += (out.reply.empty() ? "" : "\n") + add;
    if (events.text) events.text(add);
  }
  out.reply = trimmed(out.reply);
  return out;
}

}  // namespace bgm
