#pragma once
// The events of one chat turn folded as they arrive (the agent framework's shape): text parts shown once (partial
// chunks as they come; the final event's repeat of them is not shown again), whole sentences at a time with the
// web editor's wording translated, tool calls and responses kept inside, garbage skipped, an error event kept as
// the turn's error, the end of the turn noticed; "Still working..." after each quiet spell.
// Thread: one reader per turn, on the turn's worker.

#include <chrono>
#include <string>

#include "agent/language.h"
#include "http/sse_parser.h"
#include "nemo/gui_words.h"
#include "nemo/nemo_turn.h"

namespace bgm {

// A reply longer than this is not a reply a person reads: the rest is dropped (and never held).
inline constexpr size_t kMaxTurnText = 64u << 10;

class TurnReader {
 public:
  TurnReader(const TurnEvents& events, Language lang, std::chrono::milliseconds notice_every);

  bool event(const SseEvent& e);  // always true: the stream is read to its end
  void heartbeat() { tick(); }
  void tick();                    // says "Still working..." when the quiet has lasted notice_every
  void finish();                  // the stream ended: what is left of the last sentence is shown

  const std::string& reply() const { return reply_; }
  bool ended() const { return ended_; }  // a final text or turnComplete came: the turn is whole
  int error_code() const { return error_code_; }
  const std::string& error_message() const { return error_message_; }
  bool show_timeline() const { return show_timeline_; }
  bool offer_export() const { return offer_export_; }

 private:
  void show(const std::string& chunk);
  void emit(const std::string& sentence);

  const TurnEvents& events_;
  bool zh_;
  std::chrono::milliseconds notice_every_;
  std::chrono::steady_clock::time_point last_voice_ = std::chrono::steady_clock::now();
  SentenceSplitter splitter_;
  std::string streamed_, reply_;
  size_t taken_ = 0;  // text taken from the stream: a turn shows at most kMaxTurnText of it
  bool ended_ = false, show_timeline_ = false, offer_export_ = false;
  int error_code_ = 0;
  std::string error_message_;
};

}  // namespace bgm
