#pragma once
// Which of a session's uploads a message is about, in English or Chinese: by order ("the second clip", "clip 2",
// "#2", "the last one", "第二个视频", "第2个", "最后一个"), by name ("now do intro.mp4", "for intro"), or all of
// them ("all of them", "every clip", "both", "所有", "全部", "每个"); and whether it asks for the same music under
// each ("same music for all of them", "一样的音乐").
// Thread: pure functions; any thread.

#include <string>
#include <vector>

namespace bgm {

struct ClipChoice {
  std::vector<size_t> clips;  // indexes into the names, in the order given; empty: none named
  bool all = false;
  bool same_music = false;
};

// `normalized`: as normalize_message gives it; `names`: the uploads' file names in upload order.
ClipChoice choose_clips(const std::string& normalized, const std::vector<std::string>& names);

}  // namespace bgm
