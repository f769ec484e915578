#include "nemo/turn_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

#include "core/json_field.h"
#include "core/json_read.h"

namespace bgm {

using json = nlohmann::json;

TurnReader::TurnReader(const TurnEvents& events, Language lang, std::chrono::milliseconds notice_every)
    : events_(events), zh_(lang == Language::kChinese), notice_every_(notice_every) {}

bool TurnReader::event(const SseEvent& e) {
  const json j = read_json(e.data, "An event").value_or(json());
  if (!j.is_object()) return true;  // garbage: not ours to show; the turn goes on
  if (j.contains("errorCode") || j.contains("error_code")) {
    const bool camel = j.contains("errorCode");
    // The agent framework writes the code as a string ("2001", or a word such as "SAFETY"); some servers as a number.
    const json& code = j[camel ? "errorCode" : "error_code"];
    error_code_ = code.is_number_integer() ? json_field<int>(j, camel ? "errorCode" : "error_code", 500)
                  : code.is_string()        ? static_cast<int>(std::clamp(std::strtol(code.get<std::string>().c_str(), nullptr, 10), 0L, 999999L))
                                            : 500;
    error_message_ = json_field<std::string>(j, camel ? "errorMessage" : "error_message", "");
    if (error_code_ == 0) error_code_ = 500;
    ended_ = true;
    return true;
  }
  const bool partial = json_field<bool>(j, "partial", false);
  const auto content = j.find("content");
  if (content != j.end() && content->is_object() && content->contains("parts") && (*content)["parts"].is_array()) {
    std::string text;
    for (const auto& p : (*content)["parts"]) {
      if (!p.is_object() || p.contains("functionCall") || p.contains("functionResponse")) continue;  // the agent's own steps
      text += json_field<std::string>(p, "text", "");
    }
    if (partial) {
      if (streamed_.size() < kMaxTurnText) streamed_ += text;
      show(text);
    } else if (!text.empty()) {
      // The final event repeats the chunks whole: only what was not streamed yet is new.
      if (text.rfind(streamed_, 0) == 0) show(text.substr(streamed_.size()));
      streamed_.clear();
      ended_ = true;
    }
  }
  if (json_field<bool>(j, "turnComplete", false) || json_field<bool>(j, "turn_complete", false)) ended_ = true;
  return true;
}

void TurnReader::tick() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_voice_ < notice_every_) return;
  last_voice_ = now;
  if (events_.notice) events_.notice(zh_ ? "仍在处理……" : "Still working...");
}

void TurnReader::finish() {
  if (std::string rest = splitter_.flush(); !rest.empty()) emit(rest);
}

void TurnReader::show(const std::string& chunk) {
  if (chunk.empty() || taken_ >= kMaxTurnText) return;
  taken_ += chunk.size();
  last_voice_ = std::chrono::steady_clock::now();
  for (const auto& s : splitter_.feed(chunk)) emit(s);
}

void TurnReader::emit(const std::string& sentence) {
  GuiTranslation t = translate_gui_sentence(sentence, zh_);
  show_timeline_ = show_timeline_ || t.show_timeline;
  offer_export_ = offer_export_ || t.offer_export;
  if (t.text.find_first_not_of(" \n\r\t") == std::string::npos) return;
  if (t.text != sentence && t.text.back() != '\n') t.text += ' ';
  reply_ += t.text;
  if (events_.text) events_.text(t.text);
}

}  // namespace bgm
