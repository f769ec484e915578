// The session service with the real engine: music made in a chat turn, refined, kept across a restart; and the
// range edit heard in the MIDI: outside the range every note is the same.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <tuple>

#include "midi/smf.h"
#include "session/session_service.h"
#include "support/test_support.h"

namespace bgm {
namespace {

namespace fs = std::filesystem;

struct NoteOn {
  double seconds;
  int64_t tick;
  int track, pitch, velocity;
  bool operator==(const NoteOn& o) const { return std::tie(tick, track, pitch, velocity) == std::tie(o.tick, o.track, o.pitch, o.velocity); }
};

// Every note-on of a MIDI file, with its time on the file's tempo map (the ritardando into the final chord).
std::vector<NoteOn> notes_of(const fs::path& midi) {
  std::ifstream in(midi, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  auto smf = decode_smf(bytes);
  EXPECT_TRUE(smf) << midi;
  std::vector<std::pair<int64_t, double>> tempo;  // tick, microseconds per beat
  for (const auto& e : smf->tracks[0])
    if (e.status == 0xFF && e.meta_type == 0x51 && e.data.size() == 3) tempo.push_back({e.tick, (e.data[0] << 16) | (e.data[1] << 8) | e.data[2]});
  if (tempo.empty() || tempo.front().first != 0) tempo.insert(tempo.begin(), {0, 500000.0});
  auto seconds_at = [&](int64_t tick) {
    double us = 0;
    for (size_t i = 0; i < tempo.size() && tempo[i].first < tick; ++i) {
      const int64_t end = i + 1 < tempo.size() ? std::min(tick, tempo[i + 1].first) : tick;
      us += static_cast<double>(end - tempo[i].first) * tempo[i].second / smf->division;
    }
    return us / 1e6;
  };
  std::vector<NoteOn> out;
  for (size_t t = 0; t < smf->tracks.size(); ++t)
    for (const auto& e : smf->tracks[t])
      if (e.type() == 0x90 && e.data.size() == 2 && e.data[1] > 0)
        out.push_back({seconds_at(e.tick), e.tick, static_cast<int>(t), e.data[0], e.data[1]});
  return out;
}

class Sessions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SessionStore::open(dir_.path() / "data");
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(s).value();
    service_ = std::make_unique<SessionService>(*store_, ServiceOptions{});
  }
  fs::path midi_of(const MediaRecord& m) { return store_->absolute(m.info["midi"].get<std::string>()); }
  test::TempDir dir_;
  std::unique_ptr<SessionStore> store_;
  std::unique_ptr<SessionService> service_;
};

TEST_F(Sessions, MakeOnlyTheRangeMoreIntenseTheRestNoteForNote) {
  auto s = store_->create_session("local", "en");
  ASSERT_TRUE(s);
  auto first = service_->chat(s->id, "calm lo-fi for 60 seconds", {}, nullptr);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->generated);
  EXPECT_EQ(first->draft.music()->duration_ms, 60000);
  EXPECT_NE(first->reply.find("Timeline (1 track): 1. BGM: Lo-fi (0-60s, 35%)"), std::string::npos) << first->reply;

  auto again = service_->chat(s->id, "make 0:30 to 0:45 more intense", {}, nullptr);
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_TRUE(again->generated);
  EXPECT_NE(again->generated->id, first->generated->id) << "a new version; the first stays";

  const auto before = notes_of(midi_of(*first->generated)), after = notes_of(midi_of(*again->generated));
  auto outside = [](const std::vector<NoteOn>& v) {
    std::vector<NoteOn> o;
    for (const auto& n : v)
      if (n.seconds < 29.9 || n.seconds > 45.1) o.push_back(n);
    return o;
  };
  auto inside = [](const std::vector<NoteOn>& v) {
    size_t count = 0, velocity = 0;
    for (const auto& n : v)
      if (n.seconds >= 30 && n.seconds < 45) ++count, velocity += n.velocity;
    return std::pair<size_t, size_t>{count, velocity};
  };
  ASSERT_GT(outside(before).size(), 100u);
  EXPECT_EQ(outside(before), outside(after)) << "outside 0:30-0:45 the MIDI is note for note the same";
  const auto [n0, v0] = inside(before);
  const auto [n1, v1] = inside(after);
  EXPECT_GT(v1, v0) << "more intense inside the range: more notes or louder ones (" << n0 << " -> " << n1 << " notes)";
}

TEST_F(Sessions, SeveralRecordingsEachGetTheirOwnTimelineAddressedByOrderNameAndAll) {
  auto s = store_->create_session("local", "en");
  ASSERT_TRUE(s);
  const std::vector<std::pair<std::string, int>> files = {{"beach.mp4", 4}, {"intro.mp4", 3}, {"outro.mp4", 5}};
  for (const auto& [name, seconds] : files) {
    const fs::path f = dir_ / ("upload-" + name);
    ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=160x90:r=15:d=" + std::to_string(seconds) + " -f lavfi -i sine=f=330:d=" +
                        std::to_string(seconds) + " -c:v libx264 -preset ultrafast -c:a aac -shortest " + test::quote(f)).exit_code, 0);
    auto up = service_->add_upload(s->id, f, name, nullptr);
    ASSERT_TRUE(up) << up.error().message;
  }
  auto music_of = [&](const std::string& media) {
    const auto state = service_->state(s->id);
    for (const auto& t : (*state)["timelines"])
      if (t["name"].get<std::string>() == media && !t["draft"].is_null()) return Draft::from_json(t["draft"]).value_or(Draft()).music();
    return std::optional<DraftMusic>();
  };
  // Nothing named: the first recording.
  auto first = service_->chat(s->id, "calm lo-fi", {}, nullptr);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->reply.rfind("beach.mp4: ", 0), 0u) << first->reply;
  ASSERT_TRUE(music_of("beach.mp4"));
  EXPECT_EQ(music_of("beach.mp4")->duration_ms, 4000);
  EXPECT_FALSE(music_of("intro.mp4"));
  // By order, in English and in Chinese.
  auto second = service_->chat(s->id, "for the second clip: energetic rock", {}, nullptr);
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_TRUE(music_of("intro.mp4"));
  EXPECT_EQ(music_of("intro.mp4")->style, "rock");
  EXPECT_EQ(music_of("intro.mp4")->duration_ms, 3000);
  EXPECT_EQ(music_of("beach.mp4")->style, "lofi") << "the first keeps its own";
  auto third = service_->chat(s->id, "第三个视频用欢快的音乐", {}, nullptr);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->reply.rfind("outro.mp4：", 0), 0u) << third->reply;
  ASSERT_TRUE(music_of("outro.mp4"));
  EXPECT_EQ(music_of("outro.mp4")->duration_ms, 5000);
  // By name; then the focus stays there.
  const uint64_t intro_seed = music_of("intro.mp4")->seed;
  auto named = service_->chat(s->id, "now do intro.mp4 calmer", {}, nullptr);
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_LT(*music_of("intro.mp4")->energy, 0.6);
  EXPECT_EQ(music_of("intro.mp4")->seed, intro_seed) << "the same piece, calmer";
  auto quieter = service_->chat(s->id, "music at 20%", {}, nullptr);
  ASSERT_TRUE(quieter);
  EXPECT_DOUBLE_EQ(music_of("intro.mp4")->volume, 0.2) << "the recording in focus";
  EXPECT_DOUBLE_EQ(music_of("beach.mp4")->volume, 0.35);
  // The same music under every one, each at its own length.
  auto same = service_->chat(s->id, "same music for all of them", {}, nullptr);
  ASSERT_TRUE(same) << same.error().message;
  for (const auto& [name, seconds] : files) {
    const auto m = music_of(name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(m->style, "rock") << name;
    EXPECT_EQ(m->seed, intro_seed) << name;
    EXPECT_EQ(m->duration_ms, seconds * 1000) << name;
  }
  // Each timeline exports on its own: its own recording, its own length.
  const auto state = service_->state(s->id);
  ASSERT_EQ((*state)["video_infos"].size(), 3u);
  ASSERT_EQ((*state)["timelines"].size(), 3u);
  for (const auto& t : (*state)["timelines"]) {
    auto draft = Draft::from_json(t["draft"]);
    ASSERT_TRUE(draft);
    EXPECT_EQ(draft->video()->source, t["media_id"].get<std::string>());
    const fs::path out = dir_ / ("export-" + t["name"].get<std::string>());
    auto written = service_->export_draft(s->id, *draft, out, nullptr, {});
    ASSERT_TRUE(written) << written.error().message;
    const auto& file = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.first == t["name"].get<std::string>(); });
    EXPECT_NEAR(test::decoded_samples(*written) / 48000.0, file->second, 0.05) << *written;
  }
}

TEST_F(Sessions, BytesThatAreNotUtf8AreKeptAsReplacementCharacters) {
  auto s = store_->create_session("local", "en");
  ASSERT_TRUE(s);
  // A terminal can send anything; the draft keeps the prompt and the store writes it (U+FFFD for the bad bytes).
  auto turn = service_->chat(s->id, "calm \xff\xfe piano for 4 seconds", {}, nullptr, ChatOptions{false});
  ASSERT_TRUE(turn) << turn.error().message;
  auto again = store_->session(s->id);
  ASSERT_TRUE(again && *again);
  EXPECT_NE((*again)->draft.music()->prompt.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST_F(Sessions, AnUnchangedDraftMakesTheSamePieceAndEverythingSurvivesARestart) {
  auto s = store_->create_session("local", "zh");
  ASSERT_TRUE(s);
  auto first = service_->chat(s->id, "欢快的钢琴曲 20秒", {}, nullptr);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_NE(first->reply.find("时间线（1 条轨道）"), std::string::npos) << first->reply;
  auto volume = service_->chat(s->id, "音乐音量20%", {}, nullptr);
  ASSERT_TRUE(volume);
  EXPECT_FALSE(volume->generated) << "the volume changes the mix, not the music";
  auto fresh = service_->chat(s->id, "换成爵士", {}, nullptr);
  ASSERT_TRUE(fresh);
  const std::string sid = s->id;

  // A new process: the same data folder.
  service_.reset();
  store_.reset();
  SetUp();
  auto state = service_->state(sid);
  ASSERT_TRUE(state) << state.error().message;
  const auto& j = *state;
  EXPECT_EQ(j["generated_media"].size(), 2u);
  EXPECT_EQ(j["draft"]["t"][0]["sg"][0]["m"]["style"], "jazz");
  EXPECT_DOUBLE_EQ(j["draft"]["t"][0]["sg"][0]["vol"].get<double>(), 0.2);
  for (const auto& m : j["generated_media"]) EXPECT_TRUE(fs::is_regular_file(store_->data_dir() / "sessions" / sid / (m["id"].get<std::string>() + ".m4a")));

  // The same draft rendered again: the same notes.
  auto d = Draft::from_json(j["draft"]);
  ASSERT_TRUE(d);
  const fs::path out = dir_.path() / "again.m4a";
  ASSERT_TRUE(service_->export_draft(sid, *d, out, nullptr, {}));
  EXPECT_NEAR(test::decoded_samples(out) / 48000.0, 20.0, 0.05);
}

// The share of a signal's power at `hz` (both channels), by a Goertzel filter over the whole buffer.
double share_at(const AudioBuffer& a, double hz) {
  const double w = 2 * 3.14159265358979 * hz / a.sample_rate, coeff = 2 * std::cos(w);
  double total = 0, tone = 0;
  for (const auto* ch : {&a.left, &a.right}) {
    double s1 = 0, s2 = 0;
    for (float x : *ch) {
      const double s0 = x + coeff * s1 - s2;
      s2 = s1, s1 = s0;
      total += static_cast<double>(x) * x;
    }
    tone += (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2 / static_cast<double>(ch->size());
  }
  return total > 0 ? tone / total : 0;
}

// The export mixes the music the chat turn made (kept beside the upload) instead of synthesising it again, after
// refinements of the level, the ducking and the title; new notes make new music. To hear which music the export
// used, the kept file is swapped for a 1 kHz tone after the turn: that tone must be in the export.
TEST_F(Sessions, TheExportMixesTheTurnsMusicUntilTheNotesChange) {
  auto s = store_->create_session("local", "en");
  ASSERT_TRUE(s);
  const fs::path clip = store_->data_dir() / "clip.mp4";
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=15:d=12 -f lavfi -i sine=f=330:r=48000:d=12 -c:v libx264 "
                      "-preset ultrafast -c:a aac -shortest " + test::quote(clip)).exit_code, 0);
  auto upload = service_->add_upload(s->id, clip, "clip.mp4", nullptr);
  ASSERT_TRUE(upload) << upload.error().message;
  auto turn = service_->chat(s->id, "generate background music for my video", {}, nullptr);
  ASSERT_TRUE(turn) << turn.error().message;
  ASSERT_TRUE(turn->generated);
  const std::string kept_rel = turn->generated->info.value("music_file", "");
  ASSERT_FALSE(kept_rel.empty()) << "the turn keeps its music for the export";
  const fs::path kept = store_->absolute(kept_rel);
  EXPECT_NEAR(test::decoded_samples(kept) / 48000.0, 12.0, 0.01);
  EXPECT_EQ(turn->generated->file, kept_rel) << "the turn's piece is the kept music: nothing else is mixed or encoded";
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i sine=f=1000:r=48000:d=12 -ac 2 -c:a pcm_s24le " + test::quote(kept)).exit_code, 0);

  for (const char* refinement : {"music at 20%", "don't duck", "add the title \"Hello\""}) {
    auto r = service_->chat(s->id, refinement, {}, nullptr);
    ASSERT_TRUE(r) << refinement << ": " << r.error().message;
    EXPECT_FALSE(r->generated) << refinement << ": the notes are the same";
  }
  auto export_now = [&](const std::string& name) {
    auto state = service_->state(s->id);
    EXPECT_TRUE(state);
    auto draft = Draft::from_json((*state)["draft"]);
    EXPECT_TRUE(draft);
    const fs::path out = dir_.path() / name;
    auto written = service_->export_draft(s->id, *draft, out, nullptr, {});
    EXPECT_TRUE(written) << (written ? "" : written.error().message);
    return test::decode(out);
  };
  const AudioBuffer mixed = export_now("refined.mp4");
  EXPECT_NEAR(mixed.seconds(), 12.0, 0.05);
  EXPECT_GT(share_at(mixed, 1000), 0.01) << "the export mixed the kept music";
  EXPECT_GT(share_at(mixed, 330), 0.5) << "under the recording's own sound, at 20%";

  auto jazz = service_->chat(s->id, "make it jazz", {}, nullptr);
  ASSERT_TRUE(jazz) << jazz.error().message;
  ASSERT_TRUE(jazz->generated) << "new notes: new music";
  EXPECT_FALSE(fs::exists(kept)) << "the replaced turn's music is not kept";
  const AudioBuffer fresh = export_now("jazz.mp4");
  EXPECT_LT(share_at(fresh, 1000), 0.001) << "the jazz was made, not the kept tone mixed";
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// Without a recording, the export is named as a terminal takes it without quotes (it was "AI Music.m4a").
TEST(ChatCommand, AnExportWithoutARecordingHasANameWithoutSpaces) {
  test::TempDir dir;
  std::string lines;
  for (const std::string& l : std::vector<std::string>{"make calm lo-fi music, 20 seconds", "export"}) lines += " " + test::quote(l);
  auto r = test::run("printf '%s\\n'" + lines + " | " + test::cli_path() + " chat --data " + test::quote(dir / "data") + " --output " +
                     test::quote(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Exported to " + (dir / "ai-music.m4a").string()), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "ai-music.m4a"));
}

TEST(ChatCommand, ATerminalConversationFromUploadToExport) {
  test::TempDir dir;
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=160x90:r=15:d=5 -f lavfi -i sine=f=330:r=48000:d=5 -c:v libx264 "
                      "-preset ultrafast -c:a aac -shortest " + test::quote(dir / "clip.mp4")).exit_code, 0);
 std::string lines;
  for (const std::string& l : std::vector<std::string>{"generate background music for my video", "music at 20%", "音乐音量30%", "status", "credits", "export 720p",
                              "export to " + (dir / "named.mp4").string()})
    lines += " " + test::quote(l);
  auto r = test::run("printf '%s\\n'" + lines + " | " + test::cli_path() + " chat " + test::quote(dir / "clip.mp4") + " --data " +
                     test::quote(dir / "data") + " --output " + test::quote(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("Connecting...", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("Ready: the local engine"), std::string::npos);
  EXPECT_NE(r.out.find("Uploaded clip.mp4 (5.0 s)."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("The music now sits at 20% (was 35%)."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("音乐音量已设为 30%（原为 20%）。"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Timeline (2 tracks): 1. Video: clip (0-5s) 2. BGM:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uses no credits"), std::string::npos);
  EXPECT_NE(r.out.find("Exported to " + (dir / "clip-bgm.mp4").string()), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "named.mp4"));
  const auto height = test::run("ffprobe -v error -select_streams v -show_entries stream=height -of csv=p=0 " + test::quote(dir / "clip-bgm.mp4")).out;
  EXPECT_EQ(std::atoi(height.c_str()), 90) << "720p is a ceiling: a smaller video stays as it is";
  // The session goes on in a second run.
  const auto id_at = r.out.find("--session s_");
  ASSERT_NE(id_at, std::string::npos);
  const std::string id = r.out.substr(id_at + 10, r.out.find(')', id_at) - id_at - 10);
  auto again = test::run("printf 'status\\n' | " + test::cli_path() + " chat --session " + id + " --data " + test::quote(dir / "data"));
  EXPECT_NE(again.out.find("BGM:"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("30%"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(ChatCommand, ExportsForAPlatformAskedInWords) {
  test::TempDir dir;
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30:d=5 -f lavfi -i sine=f=330:r=48000:d=5 -c:v libx264 "
                      "-preset ultrafast -c:a aac -shortest " + test::quote(dir / "clip.mp4")).exit_code, 0);
  std::string lines;
  for (const std::string& l : std::vector<std::string>{"generate background music for my video", "make it vertical", "export", "导出抖音"})
    lines += " " + test::quote(l);
  auto r = test::run("printf '%s\\n'" + lines + " | " + test::cli_path() + " chat " + test::quote(dir / "clip.mp4") + " --data " +
                     test::quote(dir / "data") + " --output " + test::quote(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Exports will be for YouTube Shorts"), std::string::npos) << r.out;
  for (const char* name : {"clip-bgm-shorts.mp4", "clip-bgm-douyin.mp4"}) {
    const auto size = test::run("ffprobe -v error -select_streams v -show_entries stream=width,height -of csv=p=0 " + test::quote(dir / name)).out;
    EXPECT_EQ(size, "1080,1920\n") << name << "\n" << r.out;
  }
}

TEST(ChatCommand, SeveralFilesInOneSessionEachWithItsOwnMusicAndRender) {
  test::TempDir dir;
  for (const auto& [name, seconds] : std::vector<std::pair<std::string, int>>{{"intro.mp4", 3}, {"main.mp4", 5}}) {
    ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i testsrc2=s=160x90:r=15:d=" + std::to_string(seconds) + " -f lavfi -i sine=f=330:d=" +
                        std::to_string(seconds) + " -c:v libx264 -preset ultrafast -c:a aac -shortest " + test::quote(dir / name)).exit_code, 0);
  }
  std::string lines;
  for (const std::string& l : std::vector<std::string>{"for the second clip: calm piano", "第一个视频用欢快的音乐", "now do intro.mp4 calmer", "export all"})
    lines += " " + test::quote(l);
  auto r = test::run("cd " + test::quote(dir.path()) + "/.. && printf '%s\\n'" + lines + " | " + test::cli_path() + " chat " + test::quote(dir / "intro.mp4") +
                     " " + test::quote(dir / "main.mp4") + " --data " + test::quote(dir / "data") + " --output " + test::quote(dir / "out"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Uploaded intro.mp4 (3.0 s)."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Uploaded main.mp4 (5.0 s)."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("main.mp4: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("intro.mp4："), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("No such file"), std::string::npos) << "a recording's name is not an upload: " << r.out;
  // Each recording's own render, at its own length.
  EXPECT_NEAR(test::decoded_samples(dir / "out" / "intro-bgm.mp4") / 48000.0, 3.0, 0.05) << r.out;
  EXPECT_NEAR(test::decoded_samples(dir / "out" / "main-bgm.mp4") / 48000.0, 5.0, 0.05) << r.out;
}

TEST(ChatCommand, AVoiceOverGetsMusicUnderIt) {
  test::TempDir dir;
  ASSERT_EQ(test::run("ffmpeg -v error -y -f lavfi -i sine=f=180:r=48000:d=6 " + test::quote(dir / "voice.wav")).exit_code, 0);
  std::string lines;
  for (const std::string& l : std::vector<std::string>{"calm music under my narration", "status", "export"}) lines += " " + test::quote(l);
  auto r = test::run("printf '%s\\n'" + lines + " | " + test::cli_path() + " chat " + test::quote(dir / "voice.wav") + " --data " +
                     test::quote(dir / "data") + " --output " + test::quote(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("I'll compose music to sit under voice (0:06)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Timeline (2 tracks): 1. Audio: voice (0-6s) 2. BGM:"), std::string::npos) << r.out;
  const auto out = dir / "voice-bgm.m4a";
  ASSERT_TRUE(std::filesystem::is_regular_file(out)) << r.out;
  EXPECT_NEAR(test::decoded_samples(out) / 48000.0, 6.0, 0.05);
  // The voice is in the mix: its 180 Hz tone stands out of the music.
  const auto tone = test::run("ffmpeg -v error -i " + test::quote(out) + " -af bandpass=f=180:width_type=h:w=20,astats=metadata=1:reset=0,"
                              "ametadata=print:key=lavfi.astats.Overall.RMS_level:file=- -f null - | tail -1");
  const double level = std::atof(tone.out.c_str() + tone.out.rfind('=') + 1);
  EXPECT_GT(level, -30) << tone.out;
}

}  // namespace
}  // namespace bgm
