#include "nemo/gui_words.h"

#include "core/text.h"

namespace bgm {
namespace {

bool has(std::string_view lower, std::string_view word) { return lower.find(word) != std::string_view::npos; }

}  // namespace

GuiTranslation translate_gui_sentence(std::string_view sentence, bool chinese) {
  const std::string l = ascii_lower(sentence);
  GuiTranslation t;
  const bool export_word = has(l, "export") || has(l, "download") || has(l, "导出") || has(l, "下载");
  const bool click = has(l, "click") || has(l, "tap ") || has(l, "press ") || has(l, "点击") || has(l, "单击");
  const bool open = has(l, "open ") || has(l, "打开");
  const bool preview = has(l, "preview in") || has(l, "in the timeline") || has(l, "on the timeline") || has(l, "时间线") || has(l, "预览");
  const bool drag = has(l, "drag") || has(l, "drop ") || has(l, "拖拽") || has(l, "拖动");
  if (export_word && (click || open || has(l, "button") || has(l, "按钮"))) {
    t.offer_export = true;
    t.text = chinese ? "想要成品时，说“导出”，我会渲染并下载。" : "When you want the finished file, say \"export\" and I'll render and download it.";
    return t;
  }
  if (drag) {
    t.text = chinese ? "想调整什么，直接告诉我，例如“音乐音量20%”或“0:30到0:45更激烈”。"
                     : "To change it, just tell me, e.g. \"music at 20%\" or \"make 0:30 to 0:45 more intense\".";
    return t;
  }
  if (preview || open) {
    t.show_timeline = true;  // the summary follows the answer
    return t;
  }
  if (click) return t;  // a button we press ourselves: nothing to tell
  t.text = std::string(sentence);
  return t;
}

std::vector<std::string> SentenceSplitter::feed(std::string_view chunk) {
  pending_.append(chunk);
  std::vector<std::string> done;
  size_t start = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const char c = pending_[i];
    size_t end = 0;
    if (c == '\n' || ((c == '.' || c == '!' || c == '?') && i + 1 < pending_.size() && pending_[i + 1] == ' ')) {
      end = i + 1;
    } else if (pending_.compare(i, 3, "\xE3\x80\x82") == 0 || pending_.compare(i, 3, "\xEF\xBC\x81") == 0 ||
               pending_.compare(i, 3, "\xEF\xBC\x9F") == 0) {  // 。！？
      end = i + 3;
    }
    if (!end) continue;
    while (end < pending_.size() && pending_[end] == ' ') ++end;  // the space after it goes with it
    if (end == pending_.size() && pending_[end - 1] == ' ') break;  // more spaces may follow: wait
    done.push_back(pending_.substr(start, end - start));
    start = end;
    i = end - 1;
  }
  pending_.erase(0, start);
  return done;
}

std::string SentenceSplitter::flush() {
  std::string rest;
  rest.swap(pending_);
  return rest;
}

}  // namespace bgm
