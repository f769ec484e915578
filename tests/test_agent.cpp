// The draft, its summary and the music agent, in English and Chinese: what a person says and what changes.
#include <gtest/gtest.h>
#include <cstdint>

#include "agent/intent_router.h"
#include "agent/message_words.h"
#include "agent/music_agent.h"
#include "draft/draft.h"
#include "draft/draft_summary.h"

namespace bgm {
namespace {

using json = nlohmann::json;

AgentContext with_video(int64_t ms = 10000) {
  AgentContext ctx;
  ctx.video = DraftVideo{"m_01", "city timelapse", 0, ms};
  ctx.fresh_seed = 4242;
  return ctx;
}

// The draft after a first "generate", as the session service leaves it once the music is made.
Draft generated(const std::string& message = "generate background music that matches the mood and length of my video") {
  AgentTurn t = run_agent_turn(Draft(), message, with_video());
  EXPECT_TRUE(t.understood);
  EXPECT_TRUE(t.render_music);
  DraftMusic m = *t.draft.music();
  m.source = "g_01";
  m.style = "lofi";
  m.style_name = "Lo-fi";
  m.key = "A minor";
  m.energy = 0.5;
  m.mood = "calm";
  t.draft.set_music(m);
  return t.draft;
}

TEST(Draft, SummaryReadsLikeTheSeed) {
  Draft d;
  d.set_video({"m_01", "city timelapse", 0, 10000});
  DraftMusic m;
  m.style_name = "Lo-fi";
  m.duration_ms = 10000;
  m.volume = 0.35;
  d.set_music(m);
  d.set_title({"Urban Dreams", 0, 3000});
  EXPECT_EQ(summarize_draft(d),
            "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)");
  EXPECT_EQ(summarize_draft(d, Language::kChinese),
            "时间线（3 条轨道）：1. 视频：city timelapse（0-10秒） 2. 背景音乐：Lo-fi（0-10秒，35%） 3. 标题：“Urban Dreams”（0-3秒）");
  EXPECT_EQ(d.duration_ms(), 10000);
}

TEST(Draft, KeepsWhatItDoesNotUnderstandThroughEdits) {
  const json sent = json::parse(R"({"d": 10000, "m": {"client": {"theme": "dark"}}, "x_future": [1, 2],
    "t": [{"tt": 0, "m": {"name": "clip", "lut": "warm"}, "sg": [{"st": 0, "d": 10000, "src": "m_01", "fx": {"blur": 2}}]},
          {"tt": 1, "m": {"role": "bgm"}, "sg": [{"st": 0, "d": 10000, "src": "g_01", "vol": 0.35, "fade": 500,
             "m": {"style": "lofi", "seed": 7, "extra": true}}]},
          {"tt": 9, "sg": [{"st": 0, "d": 1000, "sticker": "star"}]}]})");
  auto d = Draft::from_json(sent);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->as_json(), sent) << "unchanged when nothing was edited";
  DraftMusic m = *d->music();
  EXPECT_EQ(m.seed, 7u);
  m.volume = 0.2;
  d->set_music(m);
  const json& out = d->as_json();
  EXPECT_EQ(out["x_future"], json::array({1, 2}));
  EXPECT_EQ(out["m"]["client"]["theme"], "dark");
  EXPECT_EQ(out["t"][0]["m"]["lut"], "warm");
  EXPECT_EQ(out["t"][0]["sg"][0]["fx"]["blur"], 2);
  EXPECT_EQ(out["t"][1]["sg"][0]["fade"], 500);
  EXPECT_EQ(out["t"][1]["sg"][0]["m"]["extra"], true);
  EXPECT_DOUBLE_EQ(out["t"][1]["sg"][0]["vol"].get<double>(), 0.2);
  EXPECT_EQ(out["t"][2]["sg"][0]["sticker"], "star");
}

TEST(Draft, RefusesFieldsOfTheWrongTypeWithWhere) {
  for (const char* bad : {R"([])", R"({"t": {}})", R"({"t": [{"sg": []}]})", R"({"t": [{"tt": 1, "sg": [{"d": -5}]}]})",
                          R"({"t": [{"tt": 1, "sg": [{"vol": 3}]}]})", R"({"t": [{"tt": 1, "sg": [{"m": {"seed": "x"}}]}]})",
                          R"({"m": {"export": {"height": 99999}}})"}) {
    auto d = Draft::from_json(json::parse(bad));
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(d.error().message.find("The draft is not valid"), std::string::npos);
  }
}

TEST(Draft, AServicesDraftIsReadForWhatItIsAndKeptAsSent) {
  // A sound recording (no picture) and music, neither marked; numbers as strings; no d; a percentage volume.
  const json sent = json::parse(R"({"t": [{"tt": "1", "sg": [{"st": "0", "d": "12000", "src": "up-1"}]},
      {"tt": 1, "sg": [{"st": 0, "d": 6000.4, "src": "gen-1", "vol": 40}, {"st": "6000", "d": 6000, "src": "gen-1"}]},
      {"tt": 42, "sg": "not a list"}, "not a track"]})");
  DraftMedia media;
  media.uploads = {"up-1"};
  auto d = Draft::from_service(sent, media);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->as_json(), sent) << "nothing added by reading";
  EXPECT_EQ(d->duration_ms(), 12000);
  ASSERT_TRUE(d->video());
  EXPECT_TRUE(d->video()->audio);
  EXPECT_EQ(d->video()->source, "up-1");
  ASSERT_TRUE(d->music());
  EXPECT_EQ(d->music()->source, "gen-1");
  EXPECT_EQ(d->music()->duration_ms, 12000) << "both segments";
  EXPECT_DOUBLE_EQ(d->music()->volume, 0.4);
  EXPECT_EQ(summarize_draft(*d), "Timeline (4 tracks): 1. Audio: audio (0-12s) 2. BGM: music (0-12s, 40%) 3. Track (type 42) 4. Track (type -1)");
  EXPECT_FALSE(d->only_recording());
  ASSERT_TRUE(d->set_music_mix(0.3, false));
  json expected = sent;
  expected["t"][1]["sg"][0]["vol"] = 0.3;
  expected["t"][1]["sg"][1]["vol"] = 0.3;
  EXPECT_EQ(d->as_json(), expected) << "only the volume changed; no duck flag on a track that is not ours";
  // Without any list, the first of two unmarked audio tracks is the recording, the second the music.
  auto bare = Draft::from_service(json::parse(R"({"t": [{"tt": 1, "sg": [{"src": "a"}]}, {"tt": 1, "sg": [{"src": "b"}]}]})"));
  ASSERT_TRUE(bare && bare->music());
  EXPECT_EQ(bare->music()->source, "b");
  EXPECT_FALSE(Draft::from_service(json::array()));
  auto only = Draft::from_service(json::parse(R"({"t": [{"tt": 0, "sg": [{"src": "v"}]}]})"));
  EXPECT_TRUE(only && only->only_recording() && !only->music());
}

TEST(MessageWords, NormalizedToLowerCaseSingleSpacesAndStraightApostrophes) {
  EXPECT_EQ(normalize_message("  Don\xE2\x80\x99t\tSTOP  the\n\nMusic \xE2\x80\x99"), "don't stop the music '");
  EXPECT_EQ(normalize_message("\xE2\x80"), "\xE2\x80") << "a cut-off character stays as it was";
  EXPECT_EQ(normalize_message("换成Lo-Fi风格"), "换成lo-fi风格");
}

TEST(MessageWords, TimesPercentsQuotesAndHeights) {
  auto r = find_time_range(normalize_message("Make 0:30 to 0:45 more intense"));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->start, 30);
  EXPECT_DOUBLE_EQ(r->end, 45);
  r = find_time_range(normalize_message("把30秒到45秒变得更激烈"));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->end, 45);
  r = find_time_range(normalize_message("from 1:05 - 1:20 calmer"));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->start, 65);
  EXPECT_FALSE(find_time_range(normalize_message("music at 20 to 30 percent")));
  EXPECT_EQ(find_percent(normalize_message("music at 20%")), 20);
  EXPECT_EQ(find_percent(normalize_message("音乐音量20%")), 20);
  EXPECT_EQ(find_quoted("add the title 'Urban Dreams' for 3 seconds"), "Urban Dreams");
  EXPECT_EQ(find_quoted("don't add 'X' here"), "X");
  EXPECT_EQ(find_quoted("添加标题“城市之梦”3秒"), "城市之梦");
  EXPECT_EQ(find_seconds(normalize_message("for 3 seconds")), 3);
  EXPECT_EQ(find_height(normalize_message("export 1080p")), 1080);
}

TEST(Agent, GeneratesForTheUploadedVideoAndSaysSo) {
  AgentTurn t = run_agent_turn(Draft(), "generate background music that matches the mood and length of my video", with_video());
  EXPECT_TRUE(t.understood);
  EXPECT_TRUE(t.render_music);
  ASSERT_TRUE(t.draft.video());
  ASSERT_TRUE(t.draft.music());
  EXPECT_EQ(t.draft.music()->duration_ms, 10000);
  EXPECT_EQ(t.draft.music()->seed, 4242u);
  EXPECT_EQ(t.calls.front().name, "generate_music");
  EXPECT_NE(t.reply.find("city timelapse"), std::string::npos) << t.reply;
}

TEST(Agent, FromTextAloneTakesTheLengthAsked) {
  AgentContext ctx;
  AgentTurn t = run_agent_turn(Draft(), "calm piano for 45 seconds", ctx);
  ASSERT_TRUE(t.draft.music());
  EXPECT_FALSE(t.draft.video());
  EXPECT_EQ(t.draft.music()->duration_ms, 45000);
}

TEST(Agent, RefinementsKeepTheSeedAndChangeOnlyWhatWasAsked) {
  const Draft d = generated();
  const DraftMusic before = *d.music();

  AgentTurn calmer = run_agent_turn(d, "make it calmer", with_video());
  EXPECT_TRUE(calmer.render_music);
  EXPECT_EQ(calmer.draft.music()->seed, before.seed);
  EXPECT_EQ(calmer.draft.music()->style, "lofi");
  EXPECT_EQ(calmer.draft.music()->key, "A minor");
  EXPECT_LT(*calmer.draft.music()->energy, *before.energy);
  EXPECT_NE(calmer.reply.find("calmer"), std::string::npos);

  AgentTurn energetic = run_agent_turn(d, "more energetic", with_video());
  EXPECT_GT(*energetic.draft.music()->energy, *before.energy);
  EXPECT_EQ(energetic.draft.music()->seed, before.seed);

  AgentTurn jazz = run_agent_turn(d, "switch to jazz", with_video());
  EXPECT_EQ(jazz.draft.music()->style, "jazz");
  EXPECT_EQ(jazz.draft.music()->seed, before.seed);
  EXPECT_NE(jazz.reply.find("Jazz"), std::string::npos);

  AgentTurn drums = run_agent_turn(d, "no drums", with_video());
  EXPECT_EQ(drums.draft.music()->exclude, std::vector<std::string>{"drums"});
  EXPECT_EQ(drums.draft.music()->seed, before.seed);

  AgentTurn volume = run_agent_turn(d, "music at 20%", with_video());
  EXPECT_FALSE(volume.render_music) << "the mix changes, not the music";
  EXPECT_DOUBLE_EQ(volume.draft.music()->volume, 0.2);
  EXPECT_NE(volume.reply.find("20%"), std::string::npos);

  AgentTurn duck = run_agent_turn(d, "don't duck under my voice", with_video());
  EXPECT_FALSE(duck.draft.music()->duck);
  EXPECT_FALSE(duck.render_music);

  AgentTurn title = run_agent_turn(d, "add the title 'Urban Dreams' for 3 seconds", with_video());
  ASSERT_TRUE(title.draft.title());
  EXPECT_EQ(title.draft.title()->text, "Urban Dreams");
  EXPECT_EQ(title.draft.title()->duration_ms, 3000);
  EXPECT_EQ(summarize_draft(title.draft),
            "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)");
  AgentTurn untitled = run_agent_turn(title.draft, "remove the title", with_video());
  EXPECT_FALSE(untitled.draft.title());

  AgentTurn fresh = run_agent_turn(d, "a new piece", AgentContext{with_video().video, 60, 777});
  EXPECT_EQ(fresh.draft.music()->seed, 777u);
  EXPECT_EQ(fresh.draft.music()->style, "lofi");
  EXPECT_TRUE(fresh.render_music);

  AgentTurn hd = run_agent_turn(d, "export 1080p", with_video());
  EXPECT_EQ(hd.draft.export_settings().height, 1080);
  EXPECT_FALSE(hd.render_music);
}

TEST(Agent, PlatformExportsInEnglishAndChinese) {
  const Draft d = generated();
  AgentTurn vertical = run_agent_turn(d, "make it vertical", with_video());
  EXPECT_EQ(vertical.draft.export_settings().preset, "shorts");
  EXPECT_FALSE(vertical.render_music);
  EXPECT_NE(vertical.reply.find("YouTube Shorts (1080x1920, the whole picture over a blurred copy)"), std::string::npos) << vertical.reply;
  AgentTurn crop = run_agent_turn(vertical.draft, "crop it to follow the action", with_video());
  EXPECT_EQ(crop.draft.export_settings().reframe, "crop");
  EXPECT_EQ(crop.draft.export_settings().preset, "shorts");
  AgentTurn zh = run_agent_turn(d, "竖屏", with_video());
  EXPECT_EQ(zh.draft.export_settings().preset, "shorts");
  EXPECT_NE(zh.reply.find("导出设置"), std::string::npos) << zh.reply;
  EXPECT_EQ(run_agent_turn(d, "9:16", with_video()).draft.export_settings().preset, "shorts");
  EXPECT_EQ(run_agent_turn(d, "改成抖音的格式", with_video()).draft.export_settings().preset, "douyin");
  // Longer than the platform takes: nothing is cut; the reply offers a part, and a part named is the export's.
  const Draft long_draft = generated();
  AgentContext five_minutes = with_video(300000);
  Draft long_video = long_draft;
  long_video.set_video({"m_01", "city timelapse", 0, 300000});
  AgentTurn too_long = run_agent_turn(long_video, "for shorts", five_minutes);
  EXPECT_NE(too_long.reply.find("Your recording is 5:00 and YouTube Shorts takes at most 3:00"), std::string::npos) << too_long.reply;
  EXPECT_NE(too_long.reply.find("\"export 0:00 to 3:00 for shorts\""), std::string::npos) << too_long.reply;
  AgentTurn part = run_agent_turn(long_video, "use 1:20 to 2:50 for Shorts", five_minutes);
  ASSERT_TRUE(part.draft.export_settings().range);
  EXPECT_DOUBLE_EQ(part.draft.export_settings().range->start, 80);
  EXPECT_DOUBLE_EQ(part.draft.export_settings().range->end, 170);
  EXPECT_TRUE(part.draft.music()->ranges.empty()) << "a part to export, not a music edit";
  EXPECT_EQ(part.reply.find("takes at most"), std::string::npos) << part.reply;
  // The words of an export line, before the agent.
  const RoutedLine line = route_line("导出抖音");
  EXPECT_EQ(line.intent, Intent::kExport);
  ASSERT_TRUE(line.want.preset);
  EXPECT_EQ(line.want.preset->id, "douyin");
  const RoutedLine ranged = route_line("export 1:20 to 2:50 for Shorts");
  ASSERT_TRUE(ranged.want.range);
  EXPECT_DOUBLE_EQ(ranged.want.range->end, 170);
}

TEST(Agent, ARangeEditNamesOnlyThatRange) {
  AgentContext ctx = with_video(60000);
  AgentTurn first = run_agent_turn(Draft(), "generate music for my video", ctx);
  AgentTurn t = run_agent_turn(first.draft, "make 0:30 to 0:45 more intense", ctx);
  ASSERT_EQ(t.draft.music()->ranges.size(), 1u);
  EXPECT_DOUBLE_EQ(t.draft.music()->ranges[0].start_s, 30);
  EXPECT_DOUBLE_EQ(t.draft.music()->ranges[0].end_s, 45);
  EXPECT_GT(t.draft.music()->ranges[0].delta, 0);
  EXPECT_EQ(t.draft.music()->energy, first.draft.music()->energy) << "the rest keeps its energy";
  EXPECT_TRUE(t.render_music);
  AgentTurn past = run_agent_turn(first.draft, "make 2:00 to 2:30 calmer", ctx);
  EXPECT_FALSE(past.understood);
  EXPECT_NE(past.reply.find("past its end"), std::string::npos) << past.reply;
}

TEST(Agent, AnswersInChinese) {
  const Draft d = generated("为我的视频生成背景音乐");
  AgentTurn volume = run_agent_turn(d, "音乐音量20%", with_video());
  EXPECT_EQ(volume.language, Language::kChinese);
  EXPECT_DOUBLE_EQ(volume.draft.music()->volume, 0.2);
  EXPECT_NE(volume.reply.find("音乐音量已设为 20%"), std::string::npos) << volume.reply;
  AgentTurn calmer = run_agent_turn(d, "让音乐更平静一点", with_video());
  EXPECT_LT(*calmer.draft.music()->energy, 0.5);
  EXPECT_NE(calmer.reply.find("更平静"), std::string::npos);
  AgentTurn jazz = run_agent_turn(d, "换成爵士", with_video());
  EXPECT_EQ(jazz.draft.music()->style, "jazz");
  EXPECT_NE(jazz.reply.find("爵士"), std::string::npos);
  AgentTurn drums = run_agent_turn(d, "不要鼓", with_video());
  EXPECT_EQ(drums.draft.music()->exclude, std::vector<std::string>{"drums"});
  AgentTurn duck = run_agent_turn(d, "不要在人声下压低音乐，不要闪避", with_video());
  EXPECT_FALSE(duck.draft.music()->duck);
  AgentTurn title = run_agent_turn(d, "添加标题“城市之梦”3秒", with_video());
  ASSERT_TRUE(title.draft.title());
  EXPECT_EQ(title.draft.title()->text, "城市之梦");
  AgentTurn range = run_agent_turn(generated(), "把0:03到0:06变得更激烈", with_video());
  ASSERT_EQ(range.draft.music()->ranges.size(), 1u);
  EXPECT_NE(range.reply.find("更激烈"), std::string::npos);
  AgentTurn fresh = run_agent_turn(d, "换一首", AgentContext{with_video().video, 60, 99});
  EXPECT_EQ(fresh.draft.music()->seed, 99u);
}

TEST(Agent, ALengthOutOfRangeIsSaidAndChangesNothing) {
  // Found by fuzz_agent: "999...9m" made a draft longer than a day, which the draft format refuses.
  AgentTurn t = run_agent_turn(Draft(), "calm piano for 99999999999999 minutes", AgentContext{});
  EXPECT_FALSE(t.understood);
  EXPECT_FALSE(t.draft.music());
  EXPECT_NE(t.reply.find("from 2 seconds to 60 minutes"), std::string::npos) << t.reply;
  EXPECT_FALSE(run_agent_turn(Draft(), "钢琴曲 1秒", AgentContext{}).understood);
}

TEST(Agent, WhatItCannotDoGetsAClearAnswerAndNoChange) {
  const Draft d = generated();
  AgentTurn t = run_agent_turn(d, "what's the weather tomorrow?", with_video());
  EXPECT_FALSE(t.understood);
  EXPECT_FALSE(t.render_music);
  EXPECT_EQ(t.draft.as_json(), d.as_json());
  EXPECT_NE(t.reply.find("I can't do that yet"), std::string::npos) << t.reply;
  EXPECT_NE(t.reply.find("music at 20%"), std::string::npos);
  AgentTurn zh = run_agent_turn(d, "明天天气怎么样？", with_video());
  EXPECT_FALSE(zh.understood);
  EXPECT_NE(zh.reply.find("我可以"), std::string::npos) << zh.reply;
  AgentTurn title = run_agent_turn(d, "add a title", with_video());
  EXPECT_NE(title.reply.find("quotes"), std::string::npos) << title.reply;
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(IntentRouter, RoutesTheSeedsWordsBeforeTheAgent) {
  EXPECT_EQ(route_line("export").intent, Intent::kExport);
  EXPECT_EQ(route_line("导出").intent, Intent::kExport);
  EXPECT_EQ(route_line("download it").intent, Intent::kExport);
  EXPECT_EQ(route_line("send me the video").intent, Intent::kExport);
  EXPECT_EQ(route_line("export 1080p").want.height, 1080);
  EXPECT_EQ(route_line("export to /tmp/out.mp4").path, "/tmp/out.mp4");
  EXPECT_EQ(route_line("credits").intent, Intent::kCredits);
  EXPECT_EQ(route_line("我的积分").intent, Intent::kCredits);
  EXPECT_EQ(route_line("余额").intent, Intent::kCredits);
  EXPECT_EQ(route_line("balance?").intent, Intent::kCredits);
  EXPECT_EQ(route_line("status").intent, Intent::kState);
  EXPECT_EQ(route_line("状态").intent, Intent::kState);
  EXPECT_EQ(route_line("show tracks").intent, Intent::kState);
  EXPECT_EQ(route_line("upload").intent, Intent::kUpload);
  EXPECT_EQ(route_line("上传 /home/me/clip.mov").path, "/home/me/clip.mov");
  EXPECT_EQ(route_line("~/Videos/my clip.mp4").intent, Intent::kUpload);
  EXPECT_EQ(route_line("\"/home/me/my clip.mp4\"").path, "/home/me/my clip.mp4");
  EXPECT_EQ(route_line("make it calmer").intent, Intent::kChat);
  EXPECT_EQ(route_line("music at 20%").intent, Intent::kChat);
  EXPECT_EQ(route_line("generate background music for my video").intent, Intent::kChat);
}

}  // namespace
}  // namespace bgm
