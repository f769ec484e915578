// The music agent on any message (raw bytes, English, Chinese, times, quotes, percents, platforms, recordings named
// by order or name): never crashes, stays linear, always answers, and leaves a draft that is valid (its export
// settings too), with the volume and ranges in bounds.
#include <cstdint>
#include <string_view>

#include "agent/clip_words.h"
#include "agent/intent_router.h"
#include "agent/message_words.h"
#include "agent/music_agent.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view message(reinterpret_cast<const char*>(data) + 1, size - 1);
  bgm::AgentContext ctx;
  if (data[0] & 1) ctx.video = bgm::DraftVideo{"m_01", "clip", 0, 1000 + (data[0] >> 1) * 1000};
  ctx.fresh_seed = data[0];
  bgm::Draft draft;
  if (data[0] & 2) draft = bgm::run_agent_turn(draft, "generate music", ctx).draft;  // a session with music already
  const auto turn = bgm::run_agent_turn(draft, message, ctx);
  FUZZ_CHECK(!turn.reply.empty());
  FUZZ_CHECK(bgm::Draft::from_json(turn.draft.as_json()).ok());
  if (auto m = turn.draft.music()) {
    FUZZ_CHECK(m->volume >= 0 && m->volume <= 1);
    FUZZ_CHECK(m->ranges.size() <= bgm::kMaxDraftRanges);
    for (const auto& r : m->ranges) FUZZ_CHECK(r.end_s > r.start_s && r.delta >= -1 && r.delta <= 1);
  }
  (void)bgm::route_line(message);
  // Which of three recordings it names: always in range, never twice.
  const auto choice = bgm::choose_clips(bgm::normalize_message(message), {"intro.mp4", "main part.mkv", "第三.mov"});
  for (size_t i = 0; i < choice.clips.size(); ++i) {
    FUZZ_CHECK(choice.clips[i] < 3);
    for (size_t j = 0; j < i; ++j) FUZZ_CHECK(choice.clips[i] != choice.clips[j]);
  }
  return 0;
}
