// Real renders with FluidSynth and the default SoundFont, checked as a listener or an editor would.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <thread>

#include "compose/composer.h"
#include "compose/form.h"
#include "compose/range_edit.h"
#include "engine/generate.h"
#include "spec/music_spec.h"
#include "synth/soundfont_synth.h"
#include "synth/synth_lane.h"
#include "support/test_support.h"

namespace bgm {
namespace {

using test::TempDir;

GenerateRequest request(const std::filesystem::path& out, const std::string& style, double seconds, uint64_t seed = 1) {
  GenerateRequest req;
  req.spec.style = style;
  req.spec.duration_s = seconds;
  req.spec.seed = seed;
  req.output = out;
  return req;
}

GenerateResult generate_ok(const GenerateRequest& req) {
  auto r = generate_music(req, nullptr, {});
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(r).value() : GenerateResult{};
}

TEST(Render, ExactLengthTargetLoudnessAndTruePeak) {
  TempDir dir;
  for (const auto& [style, seconds] : std::vector<std::pair<std::string, double>>{{"pop", 20.0}, {"cinematic", 33.37}, {"ambient", 7.5}}) {
    const auto out = dir / (style + ".wav");
    generate_ok(request(out, style, seconds));
    EXPECT_EQ(test::decoded_samples(out), std::llround(seconds * 48000)) << style << ": sample-exact length";
    const auto l = test::ffmpeg_loudness(out);  // FFmpeg's meter, not ours
    EXPECT_NEAR(l.integrated_lufs, -14.0, 0.5) << style;
    EXPECT_LE(l.true_peak_dbtp, -1.0) << style;
  }
}

TEST(Render, TheEndingDecaysWithinTheLength) {
  TempDir dir;
  const auto out = dir / "end.wav";
  const auto result = generate_ok(request(out, "piano", 30));
  const auto audio = test::decode(out);
  ASSERT_EQ(audio.frames(), 30u * 48000);
  const size_t sr = 48000;
  // The last 50 ms are silent to the ear, the final chord was clearly playing before the release, and the
  // level falls steadily over the tail instead of stopping mid-note.
  EXPECT_LT(test::rms_db(audio, audio.frames() - sr / 20, sr / 20), -60);
  const double tail = 1.5;  // ending_tail_seconds(30)
  const auto release = static_cast<size_t>((30 - tail) * sr);
  // (The chord after a quiet outro is played softly and a piano decays: 30 dB under the piece, still sounding.)
  EXPECT_GT(test::rms_db(audio, release - sr, sr / 2), -46) << "the final chord sounds before its release";
  double previous = 0;
  int rises = 0;
  for (size_t at = release; at + sr / 4 <= audio.frames(); at += sr / 4) {
    const double level = test::rms_db(audio, at, sr / 4);
    if (at > release && level > previous + 1.0) ++rises;
    previous = level;
  }
  EXPECT_EQ(rises, 0) << "the tail only decays";
  // No long silence: sound continues until at most 2.5 s before the end.
  size_t last_loud = 0;
  for (size_t at = 0; at + sr / 10 <= audio.frames(); at += sr / 10)
    if (test::rms_db(audio, at, sr / 10) > -50) last_loud = at;
  EXPECT_GT(static_cast<double>(last_loud) / sr, 30 - 2.5);
  EXPECT_LT(result.master.max_gain_reduction_db, 6.0) << "mastering does not squash the piece";
}

TEST(Render, NoStyleIsSquashedOrPumped) {
  // Pumping is the whole mix ducking under a limiter that works hard. Drum transients are tamed on their own bus,
  // so at -14 LUFS the master limiter only shaves occasional peaks: never deep, rarely more than 1 dB.
  TempDir dir;
  for (const auto& style : StyleCatalog::builtin().styles()) {
    const auto r = generate_ok(request(dir / (style.id + ".wav"), style.id, 30, 6));
    EXPECT_LT(r.master.max_gain_reduction_db, 6.0) << style.id;
    EXPECT_LT(r.master.limited_share, 0.05) << style.id << ": share of the time the limiter cuts more than 1 dB";
    EXPECT_NEAR(r.master.output_lufs, -14.0, 0.15) << style.id;
  }
}

TEST(Render, LoopsJoinWithoutAGapOrClick) {
  TempDir dir;
  const auto out = dir / "loop.wav";
  auto req = request(out, "lofi", 16, 4);
  req.spec.loop = true;
  const auto result = generate_ok(req);
  const auto a = test::decode(out);
  ASSERT_EQ(a.frames(), 16u * 48000);
  const size_t n = a.frames();
  // Played on repeat, the step across the seam is like any other step between neighbouring samples.
  std::vector<float> steps;
  for (size_t i = 1; i < n; ++i) steps.push_back(std::fabs(a.left[i] - a.left[i - 1]));
  std::nth_element(steps.begin(), steps.begin() + static_cast<long>(steps.size() * 999 / 1000), steps.end());
  const float p999 = steps[steps.size() * 999 / 1000];
  EXPECT_LE(std::fabs(a.left[0] - a.left[n - 1]), p999);
  EXPECT_LE(std::fabs(a.right[0] - a.right[n - 1]), p999);
  // No gap: the music goes on across the seam: the last bar and the first are alike (within 6 dB), not silent. (A
  // bar, not a second: the end of a bar is quieter than its downbeat in any comping pattern.)
  ASSERT_FALSE(result.score.tempo.empty());
  const auto bar = static_cast<size_t>(60.0 / result.score.tempo[0].bpm * 4 * 48000);
  ASSERT_LT(bar, n / 2);
  const double before = test::rms_db(a, n - bar, bar);
  const double after = test::rms_db(a, 0, bar);
  EXPECT_GT(before, -40);
  EXPECT_GT(after, -40);
  EXPECT_NEAR(before, after, 6.0);
}

TEST(Render, StemsSumToTheMix) {
  TempDir dir;
  auto req = request(dir / "mix.wav", "rock", 12, 2);
  req.stems_dir = dir / "stems";
  const auto result = generate_ok(req);
  ASSERT_GE(result.stem_files.size(), 4u);
  const auto mix = test::decode(dir / "mix.wav");
  AudioBuffer sum(mix.frames(), 48000);
  std::vector<std::string> names;
  for (const auto& f : result.stem_files) {
    const auto stem = test::decode(f);
    ASSERT_EQ(stem.frames(), mix.frames()) << f;
    EXPECT_GT(test::rms_db(stem, 0, stem.frames()), -60) << f << " is not silent";
    sum.add(stem);
    names.push_back(f.filename().string());
  }
  float worst = 0;
  for (size_t i = 0; i < mix.frames(); ++i) worst = std::max({worst, std::fabs(sum.left[i] - mix.left[i]), std::fabs(sum.right[i] - mix.right[i])});
  EXPECT_LT(worst, 1e-5f) << "24-bit rounding only";
  EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& s) { return s.find("drums") != std::string::npos; }));
  EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& s) { return s.find("bass") != std::string::npos; }));
  EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& s) { return s.find("melody") != std::string::npos; }));
}

TEST(Render, SameSeedIsBitIdenticalAnotherSeedIsAnotherPiece) {
  TempDir dir;
  generate_ok(request(dir / "a.wav", "jazz", 10, 77));
  generate_ok(request(dir / "b.wav", "jazz", 10, 77));  // its level-match probes come from the first one's (cached)
  generate_ok(request(dir / "c.wav", "jazz", 10, 78));
  auto two_cores = request(dir / "d.wav", "jazz", 10, 77);
  two_cores.synth.cpu_cores = 2;
  generate_ok(two_cores);
  EXPECT_EQ(test::read_file(dir / "a.wav"), test::read_file(dir / "b.wav"));
  EXPECT_EQ(test::read_file(dir / "a.wav"), test::read_file(dir / "d.wav")) << "parallel synthesis changes nothing";
  EXPECT_NE(test::read_file(dir / "a.wav"), test::read_file(dir / "c.wav"));
}

// The render splits the parts between two synthesisers (heavy parts by pitch) and sums them: that must be the piece
// one synthesiser plays, reverb and chorus included, for every style's instruments. Not to the bit: FluidSynth's voice
// slots keep a little of the note they played last, and a note meets other slots in a synthesiser with fewer parts
// (measured here: 41-57 dB under the music, in single samples where a note starts).
TEST(Render, TwoLanesSumToWhatOneSynthesiserPlays) {
  const StyleCatalog& catalog = StyleCatalog::builtin();
  for (const std::string style : {"electronic", "jazz", "cinematic", "lofi"}) {
    SpecRequest sr;
    sr.style = style;
    sr.duration_s = 24;
    sr.seed = 3;
    auto spec = build_music_spec(sr, catalog);
    ASSERT_TRUE(spec) << spec.error().message;
    auto score = compose_with_ranges(*spec, *catalog.find(spec->style_id), plan_form(*spec, *catalog.find(spec->style_id)), {});
    ASSERT_TRUE(score) << score.error().message;
    const auto frames = static_cast<size_t>(24 * kSampleRate);
    // Two lanes, as every render without stems.
    auto synth = SoundFontSynth::create(SynthOptions{});
    ASSERT_TRUE(synth) << synth.error().message;
    std::vector<AudioBuffer> lanes(2);
    auto sink = [&](size_t bus, const float* l, const float* r, size_t n) -> Status {
      lanes[bus].left.insert(lanes[bus].left.end(), l, l + n);
      lanes[bus].right.insert(lanes[bus].right.end(), r, r + n);
      return {};
    };
    ASSERT_TRUE((*synth)->render(*score, frames, sink, nullptr, {}));
    // One synthesiser with every part.
    FluidOpenOptions open;
    open.audio_groups = 16;
    auto fluid = open_fluid(open);
    ASSERT_TRUE(fluid) << fluid.error().message;
    FluidRouting buses{2, {}, {0}};
    for (int c = 0; c < 16; ++c) buses.output_of_group.push_back(c == kDrumChannel ? 1 : 0);
    SynthLane one(std::move(*fluid), buses, kSampleRate);
    std::vector<PartShare> all;
    for (size_t i = 0; i < score->parts.size(); ++i) all.push_back({i, {}});
    one.prepare(*score, all, kSampleRate);
    const auto split = split_parts(*score, part_loads(one.fluid(), *score, kSampleRate), 2);
    EXPECT_TRUE(!split[0].empty() && !split[1].empty()) << style << ": both lanes play";
    one.prepare(*score, all, kSampleRate);
    double signal[2] = {0, 0}, error[2] = {0, 0};
    for (size_t done = 0; done < frames; done += SynthLane::kLaneBlock) {
      const size_t n = std::min(SynthLane::kLaneBlock, frames - done);
      ASSERT_TRUE(one.render(n));
      for (int bus = 0; bus < 2; ++bus) {
        for (size_t i = 0; i < n; ++i) {
          const double l = one.left(bus)[i], r = one.right(bus)[i];
          const double dl = l - lanes[bus].left[done + i], dr = r - lanes[bus].right[done + i];
          signal[bus] += l * l + r * r;
          error[bus] += dl * dl + dr * dr;
        }
      }
    }
    for (int bus = 0; bus < 2; ++bus) {
      ASSERT_GT(signal[bus], 0) << style << " bus " << bus;
      EXPECT_LT(10 * std::log10(std::max(error[bus], 1e-30) / signal[bus]), -35.0)
          << style << (bus == 0 ? ": the music bus" : ": the drums") << " of the lanes' sum differ from one synthesiser's render";
    }
  }
}

TEST(Render, MissingOrBrokenSoundFontIsAClearError) {
  TempDir dir;
  auto req = request(dir / "x.wav", "pop", 5);
  req.synth.soundfont = dir / "nope.sf2";
  auto r = generate_music(req, nullptr, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceMissing);
  EXPECT_NE(r.error().message.find("apt install fluid-soundfont-gm"), std::string::npos) << r.error().message;
  { std::ofstream(dir / "fake.sf2") << "this is not a soundfont"; }
  req.synth.soundfont = dir / "fake.sf2";
  r = generate_music(req, nullptr, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kSynth);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.wav"));
}

TEST(Render, ASmallSoundFontCanBeConfigured) {
  TempDir dir;
  auto req = request(dir / "tim.wav", "cinematic", 8);
  req.synth.soundfont = "/usr/share/sounds/sf2/TimGM6mb.sf2";
  const auto r = generate_ok(req);
  EXPECT_EQ(r.soundfont.filename(), "TimGM6mb.sf2");
  EXPECT_NEAR(test::ffmpeg_loudness(dir / "tim.wav").integrated_lufs, -14, 0.5) << "missing kits fall back to a kit that sounds";
}

TEST(Render, CancelStopsWithinASecondAndLeavesNoFile) {
  TempDir dir;
  auto req = request(dir / "long.wav", "electronic", 1800);
  CancelToken cancel;
  std::atomic<bool> rendering{false};
  std::thread stopper([&] {
    while (!rendering) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    cancel.request_cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = generate_music(req, &cancel, [&](Stage s, double) {
    if (s == Stage::kRendering) rendering = true;
  });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_LT(took, 5.0);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no half-written file";
}

}  // namespace
}  // namespace bgm
