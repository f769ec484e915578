#include "nemo/nemo_turn.h"

#include <chrono>

#include "core/json_field.h"
#include "draft/draft_diff.h"
#include "draft/draft_summary.h"
#include "http/sse_parser.h"
#include "nemo/gui_words.h"

namespace bgm {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

Draft draft_of(const json& state) {
  if (state.is_object() && state.contains("draft")) {
    auto d = Draft::from_json(state["draft"]);
    if (d) return *d;
  }
  return Draft();
}

// What the turn's events said, folded as they come.
class TurnReader {
 public:
  TurnReader(const TurnEvents& events, Language lang, std::chrono::milliseconds notice_every)
      : events_(events), zh_(lang == Language::kChinese), notice_every_(notice_every) {}

  bool event(const SseEvent& e) {
    const json j = json::parse(e.data, nullptr, false);
    if (!j.is_object()) {  // garbage: not ours to show; the turn goes on
      ++garbage_;
      return true;
    }
    if (j.contains("errorCode") || j.contains("error_code")) {
      error_code_ = json_field<int>(j, j.contains("errorCode") ? "errorCode" : "error_code", 500);
      error_message_ = json_field<std::string>(j, j.contains("errorMessage") ? "errorMessage" : "error_message", "");
      ended_ = true;
      return true;
    }
    const bool partial = json_field<bool>(j, "partial", false);
    if (j.contains("content") && j["content"].is_object() && j["content"].contains("parts") && j["content"]["parts"].is_array()) {
      std::string text;
      for (const auto& p : j["content"]["parts"]) {
        if (!p.is_object()) continue;
        if (p.contains("functionCall") || p.contains("functionResponse")) continue;  // the agent's own steps
        text += json_field<std::string>(p, "text", "");
      }
      if (partial) {
        streamed_ += text;
        show(text);
      } else if (!text.empty()) {
        // The final event repeats the chunks whole: only what was not streamed yet is new.
        if (text.rfind(streamed_, 0) == 0) show(text.substr(streamed_.size()));
        else if (streamed_.empty()) show(text);
        streamed_.clear();
        final_text_ = true;
        ended_ = ended_ || !partial;
      }
    }
    if (json_field<bool>(j, "turnComplete", false) || json_field<bool>(j, "turn_complete", false)) ended_ = true;
    return true;
  }

  void heartbeat() { tick(); }

  void tick() {
    const auto now = Clock::now();
    if (now - last_voice_ >= notice_every_) {
      last_voice_ = now;
      if (events_.notice) events_.notice(zh_ ? "仍在处理……" : "Still working...");
    }
  }

  void finish() {
    if (std::string rest = splitter_.flush(); !rest.empty()) emit(rest);
  }

  const std::string& reply() const { return reply_; }
  bool ended() const { return ended_; }
  int error_code() const { return error_code_; }
  const std::string& error_message() const { return error_message_; }
  bool show_timeline() const { return show_timeline_; }
  bool offer_export() const { return offer_export_; }

 private:
  void show(const std::string& chunk) {
    if (chunk.empty()) return;
    last_voice_ = Clock::now();
    for (const auto& s : splitter_.feed(chunk)) emit(s);
  }
  void emit(const std::string& sentence) {
    GuiTranslation t = translate_gui_sentence(sentence, zh_);
    show_timeline_ = show_timeline_ || t.show_timeline;
    offer_export_ = offer_export_ || t.offer_export;
    if (t.text.empty() || t.text.find_first_not_of(" \n\r\t") == std::string::npos) return;
    if (t.text != sentence && !t.text.empty() && t.text.back() != '\n') t.text += ' ';
    reply_ += t.text;
    if (events_.text) events_.text(t.text);
  }

  const TurnEvents& events_;
  bool zh_;
  std::chrono::milliseconds notice_every_;
  Clock::time_point last_voice_ = Clock::now();
  SentenceSplitter splitter_;
  std::string streamed_, reply_;
  bool final_text_ = false, ended_ = false, show_timeline_ = false, offer_export_ = false;
  int garbage_ = 0, error_code_ = 0;
  std::string error_message_;
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

Result<json> read_nemo_state(NemoApi& api, const std::string& session, const CancelToken* cancel) {
  NemoCall c;
  c.path = "/api/state/nemo_agent/me/" + session + "/latest";
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
  auto streamed = api.stream("/run_sse", body, [&](std::string_view bytes) { return parser.feed(bytes); }, [&] { reader.tick(); }, cancel);
  if (!streamed && (streamed.error().code != ErrorCode::kNetwork || !api.last_request_sent())) return streamed.error();
  parser.feed("\n\n");  // a last event without its blank line still counts
  reader.finish();
  if (reader.error_code()) return api.error_for(reader.error_code(), 200, reader.error_message());

  TurnOutcome out;
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
        const std::string change = describe_draft_change(was, draft_of(*now), lang);
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
      add = describe_draft_change(was, draft_of(*now), lang);
      if (add.empty()) add = zh ? "服务没有回复文字，时间线也没有变化。换个说法试试？" : "The service finished without a word, and the timeline did not change. Try saying it another way?";
    }
    if (reader.show_timeline()) add += (add.empty() ? "" : "\n") + summarize_draft(draft_of(*now), lang);
    out.reply = trimmed(out.reply);
    out.reply += (out.reply.empty() ? "" : "\n") + add;
    if (events.text) events.text(add);
  }
  out.reply = trimmed(out.reply);
  return out;
}

}  // namespace bgm
