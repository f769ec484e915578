// The NemoVideo client against a scripted fault server on loopback (real HTTP): the connection, every code the
// protocol names and its recovery, the chat stream's faults, the export and its download, and that no token
// reaches anything a user or a log sees.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <regex>

#include "backend/cloud_backend.h"
#include "http/sse_parser.h"
#include "nemo/gui_words.h"
#include "nemo/nemo_conversation.h"
#include "support/fault_server.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using test::Canned;
using test::FaultServer;
using test::Route;
using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr double kScale = 0.01;  // every protocol wait, as OBS_BGM_NEMO_TIME_SCALE would

class NemoClient : public ::testing::Test {
 protected:
  NemoConfig config(const std::string& token = "") {
    NemoConfig c;
    c.api_base = server.base();
    c.token = token;
    c.state_dir = dir / "state";
    c.time_scale = kScale;
    c.skill_version = "9.9.9";
    c.silence_timeout_s = 2;
    return c;
  }
  NemoConversation conversation(const std::string& token = "") {
    auto c = config(token);
    return NemoConversation(c, std::make_shared<NemoCredentials>(c), nullptr);
  }
  fs::path video() {
    const fs::path p = dir / "clip.mp4";
    if (!fs::exists(p)) std::ofstream(p) << std::string(4096, 'v');
    return p;
  }
  // A real MP4, as a render serves it: the client opens what it downloads before it keeps it.
  static const std::string& media_bytes() {
    static const std::string bytes = [] {
      test::TempDir d;
      const fs::path f = d / "m.mp4";
      test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=15:d=3 -f lavfi -i sine=f=440:d=3 -c:v libx264 -preset ultrafast "
                "-c:a aac -shortest " + test::quote(f));
      return test::read_file(f);
    }();
    return bytes;
  }
  // Everything the tests saw of the client's words: checked for tokens at the end.
  void seen(const std::string& text) { shown += text + "\n"; }
  void TearDown() override {
    for (const auto& r : server.all_requests()) {
      const std::string auth = r.header("Authorization");
      if (auth.size() > 7) tokens.insert(auth.substr(7));
    }
    for (const auto& t : tokens) EXPECT_EQ(shown.find(t), std::string::npos) << "a token reached what the user sees";
  }

  test::TempDir dir;
  FaultServer server;
  std::string shown;
  std::set<std::string> tokens;
};

// ---- the parts ----

TEST(NemoSse, AnyLineEndsAndAnySplitGiveTheSameEvents) {
  const std::string stream = ": heartbeat\r\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\ndata:\n\r: beat\rdata: {\"b\":2}\r\rdata: last";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    std::vector<std::string> data;
    int beats = 0;
    SseParser p([&](const SseEvent& e) { return data.push_back(e.data), true; }, [&] { ++beats; });
    p.feed(stream.substr(0, cut));
    p.feed(stream.substr(cut));
    ASSERT_EQ(data.size(), 3u) << "split at " << cut;
    EXPECT_EQ(data[0], "{\"a\":1}");
    EXPECT_EQ(data[1], "line one\nline two") << "multi-line data joined";
    EXPECT_EQ(data[2], "{\"b\":2}");
    EXPECT_GE(beats, 3) << "two comments and an empty data are heartbeats";
    p.feed("\n\n");
    EXPECT_EQ(data.size(), 4u) << "the partial last line was kept until its end came";
  }
}

TEST(NemoGuiWords, TheWebEditorsWordsBecomeWhatWeDo) {
  auto e = translate_gui_sentence("Click the Export button to download your video.", false);
  EXPECT_TRUE(e.offer_export);
  EXPECT_NE(e.text.find("say \"export\""), std::string::npos);
  auto o = translate_gui_sentence("Open the timeline panel to review it.", false);
  EXPECT_TRUE(o.show_timeline);
  EXPECT_TRUE(o.text.empty());
  auto p = translate_gui_sentence("You can preview in timeline.", false);
  EXPECT_TRUE(p.show_timeline);
  auto d = translate_gui_sentence("Drag the music track to move it.", false);
  EXPECT_NE(d.text.find("music at 20%"), std::string::npos);
  auto zh = translate_gui_sentence("点击导出按钮即可下载。", true);
  EXPECT_TRUE(zh.offer_export);
  EXPECT_NE(zh.text.find("导出"), std::string::npos);
  auto c = translate_gui_sentence("Click Generate.", false);
  EXPECT_TRUE(c.text.empty()) << "a button we press ourselves";
  auto plain = translate_gui_sentence("I made calm piano music. ", false);
  EXPECT_EQ(plain.text, "I made calm piano music. ");
  SentenceSplitter s;
  auto first = s.feed("One sentence. Two sen");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], "One sentence. ");
  EXPECT_TRUE(s.feed("tences").empty());
  EXPECT_EQ(s.flush(), "Two sentences");
}

// ---- connecting ----

TEST_F(NemoClient, ConnectsAnonymouslyWithAKeptClientIdAndSendsTheHeadersEverywhere) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto credits = conv.credits(nullptr);
  ASSERT_TRUE(credits) << credits.error().message;
  EXPECT_EQ(credits->available, 87);
  EXPECT_EQ(credits->frozen, 3);
  const auto token_calls = server.requests(Route::kToken);
  ASSERT_EQ(token_calls.size(), 1u);
  const std::string client = token_calls[0].header("X-Client-Id");
  EXPECT_TRUE(std::regex_match(client, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << client;
  for (const auto& r : server.all_requests()) {
    EXPECT_EQ(r.header("X-Skill-Source"), "topmediai-ai-music") << r.path;
    EXPECT_EQ(r.header("X-Skill-Version"), "9.9.9") << r.path;
    EXPECT_EQ(r.header("X-Skill-Platform"), "unknown") << r.path;
    if (r.path != "/api/auth/anonymous-token") EXPECT_EQ(r.header("Authorization").rfind("Bearer anon-token-", 0), 0u) << r.path;
  }
  // Kept, owner-only: a second client uses the same token and client id.
  const fs::path kept = dir / "state" / "nemovideo-credentials.json";
  struct stat st{};
  ASSERT_EQ(::stat(kept.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = conversation();
  ASSERT_TRUE(again.start(nullptr));
  EXPECT_EQ(server.count(Route::kToken), 1) << "the kept token is used again";
  EXPECT_NE(test::read_file(kept).find(client), std::string::npos);
}

TEST_F(NemoClient, AConfiguredTokenIsUsedAndNoAnonymousTokenIsFetched) {
  // The fault server knows only tokens it gave: take one, then configure it as the user's own.
  auto first = conversation();
  ASSERT_TRUE(first.start(nullptr));
  const std::string given = server.requests(Route::kSession)[0].header("Authorization").substr(7);
  fs::remove_all(dir / "state");
  auto conv = conversation(given);
  ASSERT_TRUE(conv.start(nullptr));
  EXPECT_EQ(server.count(Route::kToken), 1);
  EXPECT_EQ(server.requests(Route::kSession).back().header("Authorization"), "Bearer " + given);
}

TEST_F(NemoClient, Code400OnTheTokenCallGetsANewClientIdAndOneRetry) {
  server.script(Route::kToken, Canned{400, json{{"code", 400}, {"message", "missing X-Client-Id"}, {"data", nullptr}}});
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  const auto calls = server.requests(Route::kToken);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_NE(calls[0].header("X-Client-Id"), calls[1].header("X-Client-Id"));
}

// ---- codes ----

TEST_F(NemoClient, ATokenThatExpiresMidSessionIsRenewedOnceAndTheCallRetried) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  server.expire_tokens();
  auto credits = conv.credits(nullptr);
  ASSERT_TRUE(credits) << credits.error().message;
  EXPECT_EQ(server.count(Route::kToken), 2);
  EXPECT_EQ(server.count(Route::kCredits), 2) << "one refused, one retried";
}

TEST_F(NemoClient, AConfiguredTokenThatExpiredSaysSoAndFetchesNothing) {
  auto conv = conversation("my-own-token-123456");
  auto s = conv.start(nullptr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kAuth);
  EXPECT_NE(s.error().message.find("token has expired"), std::string::npos) << s.error().message;
  EXPECT_EQ(server.count(Route::kToken), 0);
  seen(s.error().message);
  tokens.insert("my-own-token-123456");
}

TEST_F(NemoClient, ALostSessionIsMadeAgainWithTheUploadSentAgain) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  ASSERT_TRUE(conv.upload(video(), {}, nullptr));
  const std::string first = conv.session();
  server.forget_sessions();
  auto turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  EXPECT_NE(conv.session(), first);
  EXPECT_EQ(server.count(Route::kSession), 2);
  EXPECT_EQ(server.count(Route::kUpload), 2) << "the video went to the new session";
  EXPECT_EQ(server.count(Route::kChat), 1) << "the refused turn never reached the agent; the retry did";
}

TEST_F(NemoClient, OutOfCreditsGivesTheRegistrationLinkOrATopUp) {
  server.script(Route::kChat, Canned{402, json{{"code", 2001}, {"message", "no credits"}, {"data", nullptr}}});
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_FALSE(turn);
  EXPECT_EQ(turn.error().code, ErrorCode::kQuota);
  const std::string client = server.requests(Route::kToken)[0].header("X-Client-Id");
  EXPECT_NE(turn.error().action_url.find("?bind=" + client), std::string::npos) << turn.error().action_url;
  EXPECT_NE(turn.error().message.find("Register"), std::string::npos);
  seen(turn.error().message);
  // The same refusal inside the stream, as the agent framework writes it (the code as a string).
  Canned in_stream;
  in_stream.sse = {FaultServer::sse_event(json{{"errorCode", "2001"}, {"errorMessage", "Out of credits"},
                                               {"content", {{"parts", json::array({{{"text", "Out of credits"}}})}}}})};
  server.script(Route::kChat, in_stream);
  auto streamed = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_FALSE(streamed);
  EXPECT_EQ(streamed.error().code, ErrorCode::kQuota);
  EXPECT_NE(streamed.error().action_url.find("?bind=" + client), std::string::npos);

  const std::string given = server.requests(Route::kSession)[0].header("Authorization").substr(7);
  auto registered = conversation(given);
  ASSERT_TRUE(registered.start(nullptr));
  server.script(Route::kCredits, Canned{402, json{{"code", 2001}, {"message", "no credits"}, {"data", nullptr}}});
  auto c = registered.credits(nullptr);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("Top up"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().action_url.find("bind="), std::string::npos);
}

TEST_F(NemoClient, UnsupportedAndTooLargeFilesSayWhatToDoBeforeAndAfterSending) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  const fs::path text = dir / "notes.txt";
  std::ofstream(text) << "hello";
  auto refused = conv.upload(text, {}, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(refused.error().message.find("mp4, mov, avi"), std::string::npos);
  const fs::path big = dir / "big.mp4";
  { std::ofstream(big).close(); }
  fs::resize_file(big, 501ull * 1024 * 1024);  // sparse: nothing is written
  auto over = conv.upload(big, {}, nullptr);
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("500 MB"), std::string::npos);
  EXPECT_NE(over.error().message.find("smaller copy (720p"), std::string::npos);
  EXPECT_EQ(server.count(Route::kUpload), 0) << "checked before sending";
  // The server's own refusals, in the same words.
  server.script(Route::kUpload, Canned{415, json{{"code", 4001}, {"message", "bad type"}, {"data", nullptr}}});
  auto server_4001 = conv.upload(video(), {}, nullptr);
  ASSERT_FALSE(server_4001);
  EXPECT_NE(server_4001.error().message.find("It accepts: mp4"), std::string::npos);
  server.script(Route::kUpload, Canned{413, json{{"code", 4002}, {"message", "too big"}, {"data", nullptr}}});
  auto server_4002 = conv.upload(video(), {}, nullptr);
  ASSERT_FALSE(server_4002);
  EXPECT_NE(server_4002.error().message.find("Trim it"), std::string::npos);
}

TEST_F(NemoClient, ARecordingOverTheLimitIsSentAsA720pCopyOnlyWhenTheUserAgrees) {
  const fs::path big = dir / "big.mp4";
  const auto made = test::run("ffmpeg -loglevel error -f lavfi -i testsrc2=s=1920x1080:r=30:d=3 -f lavfi -i sine=f=300:d=3 "
                              "-c:v libx264 -preset ultrafast -b:v 12M -pix_fmt yuv420p -c:a aac -shortest " + test::quote(big.string()));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  NemoConfig c = config();
  c.max_upload_bytes = fs::file_size(big) / 2;
  server.file_body = media_bytes();
  CloudBackend backend(c);
  JobRequest job;
  job.input = big;
  auto refused = backend.run(job, {}, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().remote_code, 4002);
  EXPECT_NE(refused.error().message.find("Send a 720p copy instead"), std::string::npos) << refused.error().message;
  EXPECT_EQ(server.count(Route::kUpload), 0);
  job.smaller_copy = true;  // the user took the offer
  auto r = backend.run(job, {}, nullptr);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(server.count(Route::kUpload), 1);
  const std::string sent = server.requests(Route::kUpload)[0].body;  // "files=big.mp4:BYTES;"
  ASSERT_EQ(sent.rfind("files=big.mp4:", 0), 0u) << sent;
  EXPECT_LE(std::stoull(sent.substr(14)), c.max_upload_bytes) << "the copy fits";
  EXPECT_EQ(r->output, dir / "big-bgm.mp4") << "named after the recording, not the copy";
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_EQ(e.path().string().find("720p"), std::string::npos) << "the copy is removed: " << e.path();
  EXPECT_TRUE(fs::exists(big));
}

TEST_F(NemoClient, AFreePlanExportSaysItIsAboutThePlanNotCredits) {
  server.script(Route::kRender, Canned{402, json{{"code", 402}, {"message", "free plan"}, {"data", nullptr}}});
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "out.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kQuota);
  EXPECT_NE(out.error().message.find("paid NemoVideo plan; this is not about credits"), std::string::npos);
  EXPECT_TRUE(RenderJournal(dir / "state").list(server.base()).empty()) << "a refused render is not remembered";
}

TEST_F(NemoClient, RateLimitedWaitsThirtySecondsScaledAndRetriesOnce) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  const Canned limited{429, json{{"code", 429}, {"message", "slow down"}, {"data", nullptr}}};
  server.script(Route::kCredits, limited);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(conv.credits(nullptr));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(static_cast<int>(30000 * kScale)));
  EXPECT_EQ(server.count(Route::kCredits), 2);
  // Twice in a row: one retry only, then a clear message.
  server.script(Route::kCredits, limited);
  server.script(Route::kCredits, limited);
  auto c = conv.credits(nullptr);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(server.count(Route::kCredits), 4);
}

TEST_F(NemoClient, ServerFailuresAreRetriedWithBackoffThenReported) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  for (int i = 0; i < 2; ++i) server.script(Route::kCredits, Canned{503, json(), "<html>busy</html>"});
  ASSERT_TRUE(conv.credits(nullptr)) << "two 503s, then an answer";
  EXPECT_EQ(server.count(Route::kCredits), 3);
  for (int i = 0; i < 10; ++i) server.script(Route::kCredits, Canned{502, json(), "bad gateway"});
  auto c = conv.credits(nullptr);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNetwork);
  EXPECT_NE(c.error().message.find("Try again later"), std::string::npos);
  EXPECT_EQ(server.count(Route::kCredits), 3 + 1 + config().network_retries) << "bounded";
  // Nobody there at all.
  NemoConfig gone = config();
  gone.api_base = "http://127.0.0.1:1";
  NemoConversation nowhere(gone, std::make_shared<NemoCredentials>(gone), nullptr);
  auto s = nowhere.start(nullptr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNetwork);
  EXPECT_NE(s.error().message.find("Could not reach"), std::string::npos) << s.error().message;
}

TEST_F(NemoClient, GarbageAndAStalledBodyAreClearFailures) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  server.script(Route::kCredits, Canned{200, json(), "{not json at all"});
  auto g = conv.credits(nullptr);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("not JSON"), std::string::npos) << g.error().message;
  Canned stalled{200, json{{"code", 0}, {"data", {{"available", 1}}}}};
  stalled.stall_ms = 8000;
  for (int i = 0; i <= config().network_retries; ++i) server.script(Route::kCredits, stalled);
  const auto t0 = std::chrono::steady_clock::now();
  auto s = conv.credits(nullptr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kNetwork);
  EXPECT_NE(s.error().message.find("timed out"), std::string::npos) << s.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20)) << "each try gives up after 2 s of silence";
}

// ---- the chat stream ----

TEST_F(NemoClient, PartialChunksStreamOnceAndToolCallsStayInside) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  std::vector<std::string> chunks;
  TurnEvents ev;
  ev.text = [&](const std::string& t) { chunks.push_back(t); };
  auto turn = conv.say("make music", Language::kEnglish, ev, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  std::string all;
  for (const auto& c : chunks) all += c;
  EXPECT_EQ(all, "I made Lo-fi music for your video.") << "shown once, not repeated by the final event";
  EXPECT_EQ(turn->reply, "I made Lo-fi music for your video.");
  EXPECT_EQ(all.find("generate_music"), std::string::npos);
  const json sent = json::parse(server.requests(Route::kChat)[0].body);
  EXPECT_EQ(sent["new_message"]["parts"][0]["text"], "make music");
  EXPECT_EQ(sent["app_name"], "nemo_agent");
  EXPECT_EQ(server.requests(Route::kChat)[0].header("Accept"), "text/event-stream");
}

TEST_F(NemoClient, HeartbeatsAloneGiveStillWorkingEveryTwoMinutesScaled) {
  Canned beats;
  for (int i = 0; i < 30; ++i) beats.sse.push_back(": heartbeat\n\n");
  beats.sse.push_back("data:\n\n");
  beats.sse.push_back(FaultServer::sse_event(FaultServer::text_event("Done.", false)));
  beats.gap_ms = 100;  // 3 s of heartbeats; 2 min scaled is 1.2 s
  server.script(Route::kChat, beats);
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  std::vector<std::string> notices;
  TurnEvents ev;
  ev.notice = [&](const std::string& t) { notices.push_back(t); };
  auto turn = conv.say("make music", Language::kEnglish, ev, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  ASSERT_GE(notices.size(), 2u);
  ASSERT_LE(notices.size(), 3u);
  EXPECT_EQ(notices[0], "Still working...");
  EXPECT_EQ(turn->reply, "Done.");
}

TEST_F(NemoClient, ATurnWithoutTextReadsTheStateAndSaysWhatChanged) {
  server.set_state(json{{"draft", FaultServer::music_draft(0.35)}});
  Canned silent;
  silent.sse = {FaultServer::sse_event(json{{"content", {{"parts", json::array({{{"functionResponse", {{"name", "set_volume"}}}}})}}}}),
                FaultServer::sse_event(json{{"turnComplete", true}})};
  silent.then = [&] { server.set_state(json{{"draft", FaultServer::music_draft(0.20)}}); };
  server.script(Route::kChat, silent);
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto turn = conv.say("music at 20%", Language::kEnglish, {}, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  EXPECT_EQ(turn->reply, "Changed: volume 35% → 20%.");
}

TEST_F(NemoClient, ADroppedStreamIsNeverSentAgainAndTheStateIsWatched) {
  server.set_state(json{{"draft", FaultServer::music_draft(0.35, "lofi", "Lo-fi")}});
  Canned dropped;
  dropped.sse = {FaultServer::sse_event(FaultServer::text_event("Switching to ", true))};
  dropped.drop = true;
  server.script(Route::kChat, dropped);
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  // The change lands on the server a little later (after the client's second read).
  std::thread later([&] {
    while (server.count(Route::kState) < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server.set_state(json{{"draft", FaultServer::music_draft(0.35, "jazz", "Jazz")}});
  });
  auto turn = conv.say("switch to jazz", Language::kEnglish, {}, nullptr);
  later.join();
  ASSERT_TRUE(turn) << turn.error().message;
  EXPECT_TRUE(turn->recovered);
  EXPECT_NE(turn->reply.find("style Lo-fi → Jazz"), std::string::npos) << turn->reply;
  EXPECT_EQ(server.count(Route::kChat), 1) << "the message went once";

  // Never changes: five reads after the one before the turn, then a failure.
  server.script(Route::kChat, dropped);
  const int reads_before = server.count(Route::kState);
  auto failed = conv.say("switch to rock", Language::kEnglish, {}, nullptr);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kNetwork);
  EXPECT_NE(failed.error().message.find("did not change in 5 checks"), std::string::npos);
  EXPECT_EQ(server.count(Route::kState) - reads_before, 1 + kDropChecks);
  EXPECT_EQ(server.count(Route::kChat), 2);
}

TEST_F(NemoClient, GarbageEventsAreSkippedAndGuiWordsTranslated) {
  server.set_state(json{{"draft", FaultServer::music_draft()}});
  Canned c;
  c.sse = {"data: {broken json\n\n", FaultServer::sse_event(FaultServer::text_event("Your music is ready. Open the timeline to review it. ", true)),
           FaultServer::sse_event(FaultServer::text_event("Click Export to download.", true)),
           FaultServer::sse_event(json{{"turnComplete", true}})};
  server.script(Route::kChat, c);
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  EXPECT_TRUE(turn->offer_export);
  EXPECT_NE(turn->reply.find("Your music is ready."), std::string::npos);
  EXPECT_EQ(turn->reply.find("Open the timeline"), std::string::npos);
  EXPECT_EQ(turn->reply.find("Click"), std::string::npos);
  EXPECT_NE(turn->reply.find("say \"export\""), std::string::npos);
  EXPECT_NE(turn->reply.find("Timeline (2 tracks): 1. Video: clip (0-8s) 2. BGM: Lo-fi (0-8s, 35%)"), std::string::npos) << turn->reply;
}

// ---- export ----

TEST_F(NemoClient, ExportPollsDownloadsAndPlacesANewFile) {
  server.file_body = media_bytes();
  Canned running{200, json{{"code", 0}, {"data", {{"status", "running"}, {"progress", 40}}}}};
  server.script(Route::kRenderStatus, running);
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  std::ofstream(dir / "clip-bgm.mp4") << "an earlier result";
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "clip-bgm.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->filename(), "clip-bgm-2.mp4") << "never over an earlier file";
  EXPECT_EQ(test::read_file(*out), server.file_body);
  EXPECT_EQ(test::read_file(dir / "clip-bgm.mp4"), "an earlier result");
  EXPECT_EQ(server.count(Route::kRenderStatus), 2) << "polled at once, then again";
  const json body = json::parse(server.requests(Route::kRender)[0].body);
  EXPECT_EQ(body["sessionId"], conv.session());
  EXPECT_EQ(body["output"]["format"], "mp4");
  EXPECT_EQ(body["draft"], FaultServer::music_draft());
  EXPECT_TRUE(RenderJournal(dir / "state").list(server.base()).empty());
}

TEST_F(NemoClient, ADownloadCutHalfwayIsResumed) {
  server.file_body = media_bytes();
  Canned cut;
  cut.drop = true;
  server.script(Route::kDownload, cut);
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "r.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(test::read_file(*out), server.file_body);
  const auto downloads = server.requests(Route::kDownload);
  ASSERT_EQ(downloads.size(), 2u);
  const std::string range = "bytes=" + std::to_string(server.file_body.size() / 2) + "-";
  EXPECT_EQ(downloads[1].header("Range").rfind(range, 0), 0u) << downloads[1].header("Range");
  EXPECT_EQ(downloads[0].header("Authorization").rfind("Bearer ", 0), 0u) << "the API's own host gets the token";
}

TEST_F(NemoClient, ARenderThatFailsSaysSo) {
  server.script(Route::kRenderStatus, Canned{200, json{{"code", 0}, {"data", {{"status", "failed"}, {"error", "encoder crashed"}}}}});
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "r.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("could not render the export: encoder crashed"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "r.mp4"));
}

TEST_F(NemoClient, ARenderInterruptedByQuittingIsDeliveredAtTheNextStart) {
  server.file_body = media_bytes();
  Canned running{200, json{{"code", 0}, {"data", {{"status", "running"}}}}};
  for (int i = 0; i < 3; ++i) server.script(Route::kRenderStatus, running);
  CancelToken quit;
  JobRequest job;
  job.input = video();
  JobEvents events;
  events.progress = [&](Stage s, double) {
    if (s == Stage::kWaiting && server.count(Route::kRenderStatus) >= 1) quit.request_cancel();
  };
  {
    CloudBackend backend(config());
    auto r = backend.run(job, events, &quit);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  }
  ASSERT_EQ(RenderJournal(dir / "state").list(server.base()).size(), 1u) << "remembered on disk";
  CloudBackend next_start(config());
  auto delivered = next_start.deliver_pending({}, nullptr);
  ASSERT_TRUE(delivered) << delivered.error().message;
  ASSERT_EQ(delivered->size(), 1u);
  EXPECT_EQ((*delivered)[0].output, dir / "clip-bgm.mp4");
  EXPECT_EQ(test::read_file((*delivered)[0].output), media_bytes());
  EXPECT_EQ((*delivered)[0].style_name, "Lo-fi");
  EXPECT_TRUE(RenderJournal(dir / "state").list(server.base()).empty());
  EXPECT_EQ(server.count(Route::kRender), 1) << "not rendered twice";
}

TEST_F(NemoClient, TheBackendScoresAVideoAndCanContinueItsSession) {
  server.file_body = media_bytes();
  CloudBackend backend(config());
  auto status = backend.status({}, nullptr);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->credits->available, 87);
  EXPECT_EQ(status->account, "anonymous");
  JobRequest job;
  job.input = video();
  job.music_volume = 0.2;
  job.duck = false;
  JobEvents events;
  events.transcript = [&](const TranscriptLine& l) { seen(l.text); };
  auto r = backend.run(job, events, nullptr);
  ASSERT_TRUE(r) << r.error().message;
  seen(r->summary + r->output.string() + r->session_id);
  EXPECT_EQ(r->output, dir / "clip-bgm.mp4");
  EXPECT_EQ(r->style_name, "Lo-fi");
  EXPECT_TRUE(r->has_video);
  EXPECT_EQ(r->summary, "Timeline (2 tracks): 1. Video: clip (0-8s) 2. BGM: Lo-fi (0-8s, 20%)");
  const json sent = json::parse(server.requests(Route::kChat)[0].body);
  EXPECT_EQ(sent["new_message"]["parts"][0]["text"], "generate background music that matches the mood and length of my video");
  const json exported = json::parse(server.requests(Route::kRender)[0].body)["draft"];
  EXPECT_EQ(exported["t"][1]["sg"][0]["vol"], 0.2) << "the job's volume on the exported draft";
  EXPECT_EQ(exported["t"][1]["sg"][0]["m"]["duck"], false);
  // A follow-up continues the session: no new session, no upload.
  JobRequest follow;
  follow.session_id = r->session_id;
  follow.prompt = "make it calmer";
  follow.output_dir = dir.path();  // where the plugin puts a new version: beside the one it refines
  auto again = backend.run(follow, events, nullptr);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(server.count(Route::kSession), 1);
  EXPECT_EQ(server.count(Route::kUpload), 1);
  EXPECT_EQ(again->output, dir / "clip-bgm-2.mp4");
  // Export of the timeline as it is: no chat turn, one more render.
  JobRequest export_only;
  export_only.session_id = r->session_id;
  export_only.export_only = true;
  export_only.output_dir = dir.path();
  auto exported_again = backend.run(export_only, events, nullptr);
  ASSERT_TRUE(exported_again) << exported_again.error().message;
  EXPECT_EQ(server.count(Route::kChat), 2);
  EXPECT_EQ(server.count(Route::kRender), 3);
  EXPECT_EQ(exported_again->output, dir / "clip-bgm-3.mp4");
}

// ---- drafts a service we did not write makes (issue 23): the seed's shape and nothing of ours ----

struct ForeignShape {
  const char* name;
  json before;  // the state when the session starts
  json after;   // the state the service's turn leaves
  size_t music_track;  // which track of `after` is the music
  bool drop;           // the turn's stream drops (the change is found in the state)
};

std::vector<ForeignShape> foreign_shapes() {
  const json video = {{"tt", 0}, {"sg", json::array({{{"st", 0}, {"d", 8000}, {"src", "vid-1"}}})}};
  const json uploads = json::array({{{"id", "vid-1"}, {"name", "clip.mp4"}}});
  std::vector<ForeignShape> shapes;
  // The case: music on a plain audio track (no role), its source in generated_media, after a dropped stream.
  shapes.push_back({"plain audio track, generated source, dropped stream",
                    {{"draft", {{"t", json::array({video})}, {"d", 8000}}}, {"video_infos", uploads}, {"generated_media", json::array()}},
                    {{"draft", {{"t", json::array({video, {{"tt", 1}, {"sg", json::array({{{"st", 0}, {"d", 8000}, {"src", "aud-7"}, {"vol", 0.5}}})}}})}, {"d", 8000}}},
                     {"video_infos", uploads}, {"generated_media", json::array({{{"id", "aud-7"}, {"type", "music"}}})}},
                    1, true});
  // Numbers as strings, no `d`, segments without `m`, a track type we do not know, and music whose source is an
  // address nobody listed but the turn added; a voice-over the user sent on a second audio track.
  const json stringy_video = {{"tt", "0"}, {"sg", json::array({{{"st", "0"}, {"d", "8000"}, {"src", "vid-1"}}})}};
  const json voice = {{"tt", 1}, {"name", "narration"}, {"sg", json::array({{{"st", 0}, {"d", "6000"}, {"src", "voice-2"}}})}};
  const json stickers = {{"tt", 3}, {"sg", json::array({{{"st", 1000}, {"d", 2000}, {"sticker", "star"}}})}};
  const json more_uploads = json::array({{{"media_id", "vid-1"}}, {{"media_id", "voice-2"}}});
  shapes.push_back({"strings for numbers, no d, unknown track type, music added by the turn",
                    {{"draft", {{"t", json::array({stringy_video, voice})}}}, {"video_infos", more_uploads}},
                    {{"draft", {{"t", json::array({stringy_video, voice, stickers,
                                                   {{"tt", "1"}, {"sg", json::array({{{"st", "0"}, {"d", "8000"}, {"src", "https://cdn.example/m/81.mp3"}, {"vol", "0.6"}}})}}})}}},
                     {"video_infos", more_uploads}},
                    3, false});
  // Several audio tracks and music in two segments; generated_media keyed by id; a sound effect that was there before.
  const json sfx = {{"tt", 1}, {"m", {{"label", "whoosh"}}}, {"sg", json::array({{{"st", 500}, {"d", 700}, {"src", "sfx-1"}}})}};
  shapes.push_back({"several audio tracks, music in two segments, media keyed by id",
                    {{"draft", {{"t", json::array({video, sfx})}, {"d", 8000}}}, {"video_infos", {{"vid-1", {{"duration", 8}}}}}},
                    {{"draft", {{"t", json::array({video, sfx,
                                                   {{"tt", 1}, {"m", {{"kind", "score"}}},
                                                    {"sg", json::array({{{"st", 0}, {"d", 4000}, {"src", "g-3"}}, {{"st", 4000}, {"d", 4000}, {"src", "g-3"}, {"fade_out", 800}}})}}})},
                                 {"d", 8000}, {"canvas", {{"w", 1920}, {"h", 1080}}}}},
                     {"video_infos", {{"vid-1", {{"duration", 8}}}}}, {"generated_media", {{"g-3", {{"prompt", "lofi"}}}}}},
                    2, false});
  return shapes;
}

TEST_F(NemoClient, ForeignDraftsAreReadExportedAndSentBackUntouched) {
  server.file_body = media_bytes();
  for (const auto& shape : foreign_shapes()) {
    SCOPED_TRACE(shape.name);
    server.set_state(shape.before);
    Canned turn;
    if (shape.drop) {
      turn.sse = {FaultServer::sse_event(FaultServer::text_event("Adding music ", true))};
      turn.drop = true;
    } else {
      turn.sse = {FaultServer::sse_event(FaultServer::text_event("Done: I added music.", false))};
    }
    const json after = shape.after;
    turn.then = [this, after] { server.set_state(after); };
    server.script(Route::kChat, turn);
    const int renders = server.count(Route::kRender);
    CloudBackend backend(config());
    JobRequest job;
    job.input = video();
    job.music_volume = 0.25;
    JobEvents events;
    events.transcript = [&](const TranscriptLine& l) { seen(l.text); };
    auto r = backend.run(job, events, nullptr);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(test::read_file(r->output), media_bytes()) << "downloaded";
    EXPECT_TRUE(r->has_video);
    EXPECT_NE(r->summary.find("BGM: music"), std::string::npos) << r->summary;
    ASSERT_EQ(server.count(Route::kRender), renders + 1);
    // What went back is the service's draft, with only the job's volume on the music's segments.
    json expected = shape.after["draft"];
    for (auto& sg : expected["t"][shape.music_track]["sg"]) sg["vol"] = 0.25;
    const json sent = json::parse(server.requests(Route::kRender).back().body)["draft"];
    EXPECT_EQ(sent, expected) << sent.dump();
    fs::remove(r->output);
  }
}

TEST_F(NemoClient, ADraftWithNothingButTheRecordingIsNotExported) {
  const json track = {{"tt", 0}, {"sg", json::array({{{"st", 0}, {"d", 8000}, {"src", "vid-1"}}})}};
  server.set_state({{"draft", {{"t", json::array({track})}}}});
  Canned turn;
  turn.sse = {FaultServer::sse_event(FaultServer::text_event("Sorry, I could not.", false))};
  server.script(Route::kChat, turn);
  CloudBackend backend(config());
  JobRequest job;
  job.input = video();
  auto r = backend.run(job, {}, nullptr);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("did not put music on the timeline"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.count(Route::kRender), 0);
}

// ---- a server that attacks the client (serve-audit F3, F4, F17): OBS runs this code, so nothing may crash it ----

// The peak resident memory of this process, in MB.
double peak_rss_mb() {
  struct rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

TEST_F(NemoClient, F3_ADeeplyNestedAnswerIsRefusedWithoutFollowingIt) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  const int depth = 200000;
  server.script(Route::kCredits, Canned{200, json(), "{\"code\":0,\"data\":" + std::string(depth, '[') + std::string(depth, ']') + "}"});
  auto c = conv.credits(nullptr);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("64 deep"), std::string::npos) << c.error().message;
  // The same nesting inside a chat event is skipped like any garbage; the turn goes on to its end.
  Canned deep;
  deep.sse = {"data: " + std::string(depth, '[') + std::string(depth, ']') + "\n\n", FaultServer::sse_event(FaultServer::text_event("Done.", false))};
  server.script(Route::kChat, deep);
  auto turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  EXPECT_EQ(turn->reply, "Done.");
}

TEST_F(NemoClient, F4_AnErrorPageBeforeAResumeNeverBecomesPartOfTheFile) {
  server.file_body = media_bytes();
  Canned cut;
  cut.drop = true;
  server.script(Route::kDownload, cut);
  server.script(Route::kDownload, Canned{503, json(), "<html><body>503 Service Temporarily Unavailable</body></html>"});
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "r.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(test::read_file(*out), server.file_body) << "the file, byte for byte: no error page at its start or in its middle";
  EXPECT_EQ(server.count(Route::kDownload), 3) << "cut, refused, resumed";
}

TEST_F(NemoClient, F4_ARangeThatIsNotTheOneAskedForStartsTheDownloadAgain) {
  server.file_body = media_bytes();
  Canned cut;
  cut.drop = true;
  server.script(Route::kDownload, cut);
  // A proxy that answers 206 for the wrong bytes: appended, the file would be garbage.
  server.script(Route::kDownload, Canned{206, json(), server.file_body.substr(0, 1000)});
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "r.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(test::read_file(*out), server.file_body);
}

TEST_F(NemoClient, F4_ADownloadThatIsNotMediaIsNotPlaced) {
  server.file_body = "<html>Sign in to continue</html>";  // a captive portal or a CDN's login page, with 200
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  auto out = conv.export_draft(FaultServer::music_draft(), dir / "r.mp4", false, "mp4", {}, {}, nullptr);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("not a readable .mp4"), std::string::npos) << out.error().message;
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_TRUE(e.is_directory()) << e.path() << " was left behind";
}

TEST_F(NemoClient, F17_AnEndlessAnswerIsCutAtItsCapAndMemoryStaysFlat) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  const double before = peak_rss_mb();
  Canned huge{200, json(), ""};
  huge.endless = 10737418240LL;  // "Content-Length: 10737418240", zeros
  for (int i = 0; i < 4; ++i) server.script(Route::kCredits, huge);
  const auto t0 = std::chrono::steady_clock::now();
  auto c = conv.credits(nullptr);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("over 16 MB"), std::string::npos) << c.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
  // Under ASan freed memory stays in quarantine (256 MB): the peak then says little more than "not 10 GB".
  EXPECT_LT(peak_rss_mb() - before, test::kUnderAsan ? 400 : 100) << "a 10 GB answer is never held";
}

TEST_F(NemoClient, F17_AnEventWithoutEndOrAStreamWithoutEndStopsTheTurn) {
  auto conv = conversation();
  ASSERT_TRUE(conv.start(nullptr));
  // One event whose data lines never end.
  Canned lines;
  lines.sse = {"data: " + std::string(60000, 'a') + "\n"};
  lines.repeat = true;
  server.script(Route::kChat, lines);
  auto turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_FALSE(turn);
  EXPECT_NE(turn.error().message.find("over 1 MB"), std::string::npos) << turn.error().message;
  // Events that each end, sent for ever: the turn's bytes are capped.
  Canned events;
  events.sse = {FaultServer::sse_event(FaultServer::text_event(std::string(60000, 'b'), true))};
  events.repeat = true;
  server.script(Route::kChat, events);
  const double before = peak_rss_mb();
  turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_FALSE(turn);
  EXPECT_NE(turn.error().message.find("64 MB"), std::string::npos) << turn.error().message;
  EXPECT_LT(peak_rss_mb() - before, test::kUnderAsan ? 500 : 200);
}

TEST_F(NemoClient, F17_HeartbeatsForEverEndTheTurnAtItsTimeCap) {
  auto c = config();
  c.turn_timeout_s = 2;
  NemoConversation conv(c, std::make_shared<NemoCredentials>(c), nullptr);
  ASSERT_TRUE(conv.start(nullptr));
  Canned beats;
  beats.sse = {": heartbeat\n\n"};
  beats.gap_ms = 100;
  beats.repeat = true;
  server.script(Route::kChat, beats);
  const auto t0 = std::chrono::steady_clock::now();
  auto turn = conv.say("make music", Language::kEnglish, {}, nullptr);
  ASSERT_FALSE(turn);
  EXPECT_EQ(turn.error().code, ErrorCode::kNetwork);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(15)) << "2 s of stream, then the state is read";
}

}  // namespace
}  // namespace bgm
