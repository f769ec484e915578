// Hostile input to the library's doors, one unit at a time: what the fuzz targets found or the audit described,
// each now a clear error or a correct, bounded result. (The tool-level reproductions are in test_hostile_inputs.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/analysis.h"
#include "analysis/cut_detector.h"
#include "cli/args.h"
#include "cli/interrupt.h"
#include "compose/composer.h"
#include "compose/form.h"
#include "core/atomic_file.h"
#include "jobs/result_store.h"
#include "media/media_probe.h"
#include "midi/smf.h"
#include "spec/prompt_parser.h"
#include "support/test_support.h"

namespace bgm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

PromptFacts parse(const std::string& p) { return parse_prompt(p, StyleCatalog::builtin()); }

TEST(HostilePrompt, TheWorstShapesAtTheLimitAreReadCorrectly) {
  // Shapes that made std::regex recurse or the negation scan go quadratic, at the 4 KB cap.
  const std::string digits(4096, '9'), spaces = "1" + std::string(4094, ' ') + "x", dots = std::string(4096, '.');
  std::string pianos, negations;
  while (pianos.size() + 6 <= kMaxPromptBytes) pianos += "piano ";
  while (negations.size() + 9 <= kMaxPromptBytes) negations += "no drums ";
  EXPECT_FALSE(parse(digits).duration_s);
  EXPECT_FALSE(parse(spaces).tempo_bpm);
  EXPECT_TRUE(parse(dots).recognised.empty());
  const auto p = parse(pianos);
  ASSERT_EQ(p.wanted.size(), 1u);
  EXPECT_EQ(p.wanted[0], "piano");
  EXPECT_EQ(parse(negations).excluded, std::vector<std::string>{"drums"});
  // Longer than the cap: only the first 4 KB are read, and the spec builder refuses it with the reason.
  EXPECT_EQ(parse(std::string(5000, ' ') + "jazz").style_id, std::nullopt);
  SpecRequest req;
  req.prompt = std::string(kMaxPromptBytes + 1, 'a');
  const auto spec = build_music_spec(req, StyleCatalog::builtin());
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(spec.error().message.find("at most 4096"), std::string::npos);
  // A cut inside a Chinese character does not leave half of it behind.
  EXPECT_NO_FATAL_FAILURE(parse(std::string(4095, ' ') + "爵士"));
}

TEST(HostilePrompt, ClockLengthsAndNumbersAtTheEdges) {
  EXPECT_EQ(parse("calm piano, 1:30:00").duration_s, 5400);
  EXPECT_EQ(parse("0:00:45 of lofi").duration_s, 45);
  EXPECT_EQ(parse("lofi 1:30").duration_s, 90);
  EXPECT_EQ(parse("1:30:00:00").duration_s, std::nullopt) << "not a clock we know";
  EXPECT_EQ(parse("1234%").music_volume, std::nullopt) << "four digits are no percentage";
  EXPECT_EQ(parse("1234 bpm").tempo_bpm, std::nullopt);
  EXPECT_EQ(parse("bb minor").key->tonic, 10);
  EXPECT_EQ(parse("key: f# dorian").key->mode, Mode::kDorian);
  EXPECT_FALSE(parse(std::string(3000, '9') + " seconds").duration_s.has_value() &&
               std::isfinite(*parse(std::string(3000, '9') + " seconds").duration_s))
      << "an absurd length is infinite, which the spec refuses";
}

TEST(HostileAnalysis, TheReaderChecksTypesRangesAndSizes) {
  auto read = [](const std::string& text) { return analysis_from_json(nlohmann::json::parse(text)); };
  const std::string head = R"({"format":"obs-bgm-analysis","version":1,"duration_s":12)";
  EXPECT_FALSE(read(R"({"format":"obs-bgm-analysis","version":1e20,"duration_s":12})")) << "a version must be a whole number";
  EXPECT_FALSE(read(head + R"(,"video":{"width":1e300}})"));
  EXPECT_FALSE(read(head + R"(,"video":{"height":-5}})"));
  EXPECT_FALSE(read(head + R"(,"cuts":{"a":1,"b":2}})")) << "cuts given as an object";
  EXPECT_FALSE(read(head + R"(,"cuts":[1,"x"]})"));
  EXPECT_FALSE(read(head + R"(,"truncated":"yes"})"));
  EXPECT_FALSE(read(head + R"(,"mood":{"energy":7}})"));
  nlohmann::json many = nlohmann::json::parse(head + "}");
  many["cuts"] = std::vector<double>(1000, 1.0);
  EXPECT_FALSE(analysis_from_json(many)) << "more cuts than 20 a second";
  many.erase("cuts");
  many["curves"] = {{"interval_s", 0.5}, {"motion", std::vector<double>(100, 0.5)}};
  EXPECT_FALSE(analysis_from_json(many)) << "a curve longer than the recording";

  // Values out of range are clamped: the music planned from them has finite energies everywhere.
  auto a = read(head + R"(,"curves":{"interval_s":0.5,"motion":[1e300,-1e300,1e300,0.5]}})");
  ASSERT_TRUE(a) << a.error().message;
  for (float v : a->motion) EXPECT_TRUE(v >= 0 && v <= 1) << v;
  SpecRequest req;
  req.duration_s = 12;
  req.seed = 1;
  auto spec = build_music_spec(req, StyleCatalog::builtin());
  ASSERT_TRUE(spec);
  const StylePreset& style = *StyleCatalog::builtin().find(spec->style_id);
  const FormPlan plan = plan_form_for_video(*spec, style, VideoCues{{}, a->cuts, a->motion});
  for (const auto& s : plan.sections) EXPECT_TRUE(std::isfinite(s.energy)) << "no NaN section energy";
  EXPECT_TRUE(compose_on_form(*spec, style, plan));

  // A file that is not one we wrote: too big, or not a regular file.
  test::TempDir dir;
  { std::ofstream(dir / "big.json") << std::string(kMaxAnalysisFileBytes + 1, ' '); }
  EXPECT_NE(read_analysis_file(dir / "big.json").error().message.find("at most"), std::string::npos);
  ASSERT_EQ(mkfifo((dir / "fifo.json").c_str(), 0600), 0);
  EXPECT_EQ(read_analysis_file(dir / "fifo.json").error().code, ErrorCode::kNotFound) << "returns at once, never blocks";
}

TEST(HostileAnalysis, AnAnalysisIsFittedToItsRecordingOrRefused) {
  test::TempDir dir;
  const fs::path rec = dir / "rec.mkv";
  { std::ofstream(rec) << "twelve bytes"; }
  VideoAnalysis a;
  a.duration_s = 10;
  a.cuts = {2, 9.5};
  a.motion.assign(20, 0.5f);
  EXPECT_FALSE(fit_analysis_to_recording(a, rec, std::nan(""))) << "an unknown length";
  EXPECT_FALSE(fit_analysis_to_recording(a, rec, 20)) << "10 s of analysis for 20 s of recording";
  a.origin = "obs-filter";  // timed by the clock: the file's length wins
  a.recording = recording_identity(rec);
  ASSERT_TRUE(fit_analysis_to_recording(a, rec, 9.0));
  EXPECT_EQ(a.duration_s, 9.0);
  EXPECT_EQ(a.cuts, std::vector<double>{2});
  EXPECT_EQ(a.motion.size(), 18u);
  { std::ofstream(rec, std::ios::app) << "!"; }  // the recording changed since
  EXPECT_NE(fit_analysis_to_recording(a, rec, 9.0).error().message.find("another recording"), std::string::npos);
}

TEST(HostileAnalysis, ArbitraryTimestampsAndFrameRatesStayBounded) {
  VideoFeatures f;
  f.fps = std::numeric_limits<double>::infinity();
  f.duration_s = 1e9;
  for (double t : {0.0, -5.0, std::nan(""), 1e300, 3.0, -1e300}) f.frames.push_back(FrameFeature{t, 0.5f, 0.2f, 0.3f});
  const VideoAnalysis a = analysis_from_features(f, "x");
  EXPECT_LE(a.motion.size(), static_cast<size_t>(kMaxDurationS / kCurveIntervalS) + 4) << "memory bounded by the hour, not the claim";
  for (float v : a.motion) EXPECT_TRUE(std::isfinite(v));
  EXPECT_TRUE(std::isfinite(a.mood.energy));
  f.fps = 0;
  f.duration_s = std::nan("");
  EXPECT_TRUE(analysis_from_features(f, "x").motion.size() >= 1u);
}

TEST(HostileAnalysis, CutDetectionIsLinearOnFlashingFootage) {
  // An hour of footage flashing every other frame at 60 fps was ~10^10 comparisons before.
  std::vector<FrameFeature> frames(216000);
  for (size_t i = 0; i < frames.size(); ++i) {
    frames[i].t = static_cast<double>(i) / 60.0;
    frames[i].diff = i % 2 ? 0.9f : 0.01f;
    frames[i].hist_diff = i % 2 ? 0.9f : 0.01f;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto cuts = detect_cuts(frames, 60.0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);
  for (size_t i = 1; i < cuts.size(); ++i) EXPECT_GE(cuts[i] - cuts[i - 1], 0.24) << "cuts keep their minimum gap";
}

TEST(HostileMedia, ACancelledReadStopsTheProbe) {
  test::TempDir dir;
  const fs::path clip = dir / "c.mkv";
  ASSERT_EQ(test::run("ffmpeg -v error -f lavfi -i testsrc2=s=160x90:r=30:d=3 -c:v libx264 -preset ultrafast " + test::quote(clip)).exit_code, 0);
  CancelToken cancel;
  cancel.request_cancel();
  const auto info = probe_media(clip, &cancel);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kCancelled) << info.error().message;
  // The decode enforces the limit it is given while decoding, whatever the container says.
  FeatureOptions options;
  options.max_duration_s = 1.0;
  const auto features = extract_video_features(clip, options, nullptr, {});
  ASSERT_FALSE(features);
  EXPECT_NE(features.error().message.find("is longer than"), std::string::npos);
}

TEST(HostileMidi, EveryTruncationOfAFileIsAnErrorNotARead) {
  SpecRequest req;
  req.duration_s = 4;
  req.seed = 3;
  auto spec = build_music_spec(req, StyleCatalog::builtin());
  auto score = compose(*spec, *StyleCatalog::builtin().find(spec->style_id));
  const auto bytes = encode_smf(*score);
  ASSERT_TRUE(decode_smf(bytes));
  for (size_t n = 0; n < bytes.size(); n += 7) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    // A track length that still claims the whole track: every read must stop at the real end.
    (void)decode_smf(cut);
  }
  std::vector<uint8_t> meta = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 1, 0, 96, 'M', 'T', 'r', 'k', 0, 0, 0, 3, 0, 0xFF, 0x51};
  EXPECT_FALSE(decode_smf(meta)) << "a meta event cut before its type and length";
}

TEST(HostileCli, TheFirstInterruptCancelsAndTheSecondEndsTheTool) {
  CancelToken& token = cli::cancel_on_interrupt();
  ASSERT_FALSE(token.cancelled());
  raise(SIGINT);
  EXPECT_TRUE(token.cancelled()) << "the first Ctrl+C asks the job to stop cleanly";
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL) << "a second one ends the tool at once (the default action), stuck or not";
  struct sigaction term {};
  sigaction(SIGTERM, nullptr, &term);
  EXPECT_NE(term.sa_handler, SIG_DFL) << "SIGTERM still cancels cleanly the first time";
  signal(SIGTERM, SIG_DFL);
}

TEST(HostileCli, WholeNumbersAreDigitsOnly) {
  cli::Args args;
  for (const char* bad : {" -5", "-5", "+5", "5 ", "0x10", "", "99999999999999999999999"}) {
    args.values["--seed"] = bad;
    EXPECT_FALSE(args.whole("--seed")) << "'" << bad << "'";
  }
  args.values["--seed"] = "42";
  EXPECT_EQ(*args.whole("--seed").value(), 42u);
}

TEST(HostileFiles, WorkFilesAreNewOwnerOnlyAndResultsNeverReplaceEachOther) {
  test::TempDir dir;
  auto work = WorkFile::create(dir.path(), "rec", ".video.mkv");
  ASSERT_TRUE(work);
  struct stat st {};
  ASSERT_EQ(stat(work->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(work->path().filename().string().find(".obs-bgm-" + std::to_string(getpid()) + "-"), std::string::npos);
  const fs::path kept = work->path();
  { auto moved = std::move(work).value(); }
  EXPECT_FALSE(fs::exists(kept)) << "removed with its owner";

  // Two results written to the same name at once: the second takes the next free name.
  const fs::path dest = dir / "rec-bgm.mp4";
  AtomicOutput a(dest, OutputPolicy{true, false}), b(dest, OutputPolicy{true, false});
  ASSERT_EQ(stat(a.temp_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "owner-only while written";
  { std::ofstream(a.temp_path()) << "first"; }
  { std::ofstream(b.temp_path()) << "second"; }
  ASSERT_TRUE(a.commit());
  ASSERT_TRUE(b.commit());
  EXPECT_EQ(a.destination(), dest);
  EXPECT_EQ(b.destination(), dir / "rec-bgm-2.mp4");
  EXPECT_EQ(test::read_file(dest), "first");
  EXPECT_EQ(test::read_file(dir / "rec-bgm-2.mp4"), "second");
}

TEST(HostileFiles, TheResultsListLoaderTakesOnlyWhatIsValid) {
  test::TempDir dir;
  const fs::path file = dir / "results.json";
  {
    std::ofstream(file) << R"({"format":"obs-bgm-results","version":1,"results":[
      {"output":"/a.mp4","duration_s":"long","created_unix":1e300,"has_video":"yes"},
      {"output":7}, 5, {"output":"/b.mp4","duration_s":-3,"created_unix":1700000000}]})";
  }
  ResultStore store(file);
  EXPECT_EQ(store.load(), "") << "the document itself is fine";
  ASSERT_EQ(store.results().size(), 2u);
  EXPECT_EQ(store.results()[0].created_unix, 0) << "a number too big for its field falls back";
  EXPECT_FALSE(store.results()[0].has_video);
  EXPECT_EQ(store.results()[1].duration_s, 0.0);
  fs::remove(file);
  ASSERT_EQ(mkfifo(file.c_str(), 0600), 0);
  ResultStore fifo(file);
  EXPECT_NE(fifo.load(), "") << "a pipe is set aside, never read (it would block OBS's start)";
}

}  // namespace
}  // namespace bgm
