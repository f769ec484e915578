#pragma once
// The NemoVideo agent writes as if the user sat at its web editor ("click Export", "open the timeline", "drag the
// music"). The client has no such editor: each sentence with GUI wording is replaced by what the client does
// instead, and the caller is told what to do (show the timeline summary, offer the export).
// Thread: pure functions; any thread.

#include <string>
#include <string_view>
#include <vector>

namespace bgm {

struct GuiTranslation {
  std::string text;           // the sentence to show ("" to drop it: we do that step ourselves)
  bool show_timeline = false; // "open", "preview in timeline": the caller reads the state and shows the summary
  bool offer_export = false;  // "Export", "导出": the caller offers its export
};

GuiTranslation translate_gui_sentence(std::string_view sentence, bool chinese);

// Splits streamed text into whole sentences: feed chunks, get back the sentences completed so far (a sentence ends
// at . ! ? 。！？ followed by a space or the end of a line, or at a line end); flush() gives what is left.
class SentenceSplitter {
 public:
  std::vector<std::string> feed(std::string_view chunk);  // the sentences completed by `chunk`
  std::string flush();

 private:
  std::string pending_;
};

}  // namespace bgm
