#include <gtest/gtest.h>

#include <algorithm>

#include "spec/lexicon.h"
#include "spec/prompt_parser.h"

namespace bgm {
namespace {

PromptFacts parse(const std::string& prompt) { return parse_prompt(prompt, StyleCatalog::builtin()); }

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

TEST(Prompt, KnowsAtLeastTwelveStylesAndEightMoods) {
  EXPECT_GE(StyleCatalog::builtin().styles().size(), 12u);
  EXPECT_GE(moods().size(), 8u);
  for (const char* id : {"lofi", "cinematic", "pop", "corporate", "ambient", "electronic", "acoustic", "rock", "jazz",
                         "piano", "hiphop", "chiptune"}) {
    EXPECT_NE(StyleCatalog::builtin().find(id), nullptr) << id;
  }
}

TEST(Prompt, StyleMoodTempoKeyLength) {
  const auto f = parse("A dark cinematic trailer cue in D minor at 90 bpm, 45 seconds long");
  EXPECT_EQ(f.style_id, "cinematic");
  EXPECT_EQ(f.mood_id, "dark");
  EXPECT_EQ(f.tempo_bpm, 90);
  ASSERT_TRUE(f.key);
  EXPECT_EQ(f.key->tonic, 2);
  EXPECT_EQ(f.key->mode, Mode::kMinor);
  EXPECT_EQ(f.duration_s, 45);
}

TEST(Prompt, LengthsInTheirManyForms) {
  EXPECT_EQ(parse("2 min of jazz").duration_s, 120);
  EXPECT_EQ(parse("lofi 1:30").duration_s, 90);
  EXPECT_EQ(parse("1 min 30 s upbeat").duration_s, 90);
  EXPECT_EQ(parse("a 90-second corporate track").duration_s, 90);
  EXPECT_EQ(parse("ambient, 20s").duration_s, 20);
  EXPECT_EQ(parse("120 bpm house").duration_s, std::nullopt);  // a tempo is not a length
}

TEST(Prompt, TempoWords) {
  EXPECT_EQ(parse("slow piano").tempo_word, TempoWord::kSlow);
  EXPECT_EQ(parse("fast and fun chiptune").tempo_word, TempoWord::kFast);
  EXPECT_EQ(parse("medium tempo rock").tempo_word, TempoWord::kModerate);
}

TEST(Prompt, InstrumentsWantedAndNot) {
  const auto f = parse("piano and strings, no drums");
  EXPECT_TRUE(has(f.wanted, "piano"));
  EXPECT_TRUE(has(f.wanted, "strings"));
  EXPECT_TRUE(has(f.excluded, "drums"));
  EXPECT_FALSE(has(f.wanted, "drums"));
  const auto g = parse("upbeat pop without drums or bass but with flute");
  EXPECT_TRUE(has(g.excluded, "drums"));
  EXPECT_TRUE(has(g.excluded, "bass"));
  EXPECT_TRUE(has(g.wanted, "flute"));
  EXPECT_TRUE(parse("just piano and cello").only);
}

TEST(Prompt, EnergyVolumeAndLoop) {
  EXPECT_GT(*parse("high energy rock").energy, 0.7);
  EXPECT_LT(*parse("soft gentle ambient").energy, 0.35);
  EXPECT_DOUBLE_EQ(*parse("background music at 35% volume").music_volume, 0.35);
  EXPECT_TRUE(parse("a seamless loop for my stream").loop);
}

TEST(Prompt, UnknownWordsAreIgnoredAndAmbiguityIsHandled) {
  const auto f = parse("florp zibble quux");
  EXPECT_FALSE(f.style_id);
  EXPECT_FALSE(f.mood_id);
  EXPECT_TRUE(f.recognised.empty());
  EXPECT_FALSE(parse("a minor change to the cheerful mood").key);  // "a minor" as English
  EXPECT_TRUE(parse("something in a minor").key);
  EXPECT_EQ(parse("lo-fi hip hop beats").style_id, "lofi");  // the longer name wins
  const auto empty = parse("");
  EXPECT_TRUE(empty.recognised.empty());
}

TEST(Prompt, ChinesePrompts) {
  const auto f = parse("轻松的低保真音乐，30秒，不要鼓，音量35%");
  EXPECT_EQ(f.style_id, "lofi");
  EXPECT_EQ(f.mood_id, "relaxed");
  EXPECT_EQ(f.duration_s, 30);
  EXPECT_TRUE(has(f.excluded, "drums"));
  EXPECT_DOUBLE_EQ(*f.music_volume, 0.35);

  const auto g = parse("史诗电影配乐，D小调，每分钟90拍，2分钟");
  EXPECT_EQ(g.style_id, "cinematic");
  EXPECT_EQ(g.mood_id, "epic");
  ASSERT_TRUE(g.key);
  EXPECT_EQ(g.key->tonic, 2);
  EXPECT_EQ(g.key->mode, Mode::kMinor);
  EXPECT_EQ(g.tempo_bpm, 90);
  EXPECT_EQ(g.duration_s, 120);

  const auto h = parse("欢快的钢琴和弦乐，快节奏，1分30秒");
  EXPECT_EQ(h.mood_id, "happy");  // 快乐/欢快 is a mood, its 快 not also "fast"...
  EXPECT_EQ(h.tempo_word, TempoWord::kFast);  // ...while 快节奏 is
  EXPECT_TRUE(has(h.wanted, "piano"));
  EXPECT_TRUE(has(h.wanted, "strings"));
  EXPECT_EQ(h.duration_s, 90);

  EXPECT_EQ(parse("爵士").style_id, "jazz");
  EXPECT_EQ(parse("8-bit 游戏音乐").style_id, "chiptune");
}

}  // namespace
}  // namespace bgm
