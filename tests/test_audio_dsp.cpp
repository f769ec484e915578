// Mastering stages on signals with known answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audio/audio_store.h"
#include "audio/drum_bus.h"
#include "audio/k_meter.h"
#include "audio/limiter.h"
#include "audio/loudness.h"
#include "audio/master.h"
#include "analysis/speech.h"
#include "audio/shaping.h"
#include "audio/stretches.h"
#include "support/test_support.h"

namespace bgm {
namespace {

AudioBuffer tone(double freq, double amp, double seconds) {
  AudioBuffer a(static_cast<size_t>(seconds * kSampleRate), kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) {
    const auto v = static_cast<float>(amp * std::sin(2 * M_PI * freq * static_cast<double>(i) / kSampleRate));
    a.left[i] = v;
    a.right[i] = v;
  }
  return a;
}

TEST(Loudness, MatchesTheBs1770ReferenceSine) {
  // BS.1770: a 0 dBFS 997 Hz sine in one channel measures -3.01 LUFS; in both channels of a pair, 0 LUFS.
  AudioBuffer one = tone(997, 1.0, 5);
  std::fill(one.right.begin(), one.right.end(), 0.0f);
  EXPECT_NEAR(integrated_lufs(one), -3.01, 0.05);
  const auto both = measure_loudness(tone(997, 1.0, 5));
  ASSERT_TRUE(both);
  EXPECT_NEAR(both->integrated_lufs, 0.0, 0.05);
  EXPECT_NEAR(both->true_peak_dbtp, 0.0, 0.2);
}

TEST(Loudness, OurFastMeterAgreesWithLibebur128) {
  // Music-like material: tones at several levels with silences, so both gates matter.
  AudioBuffer a(48000 * 20, kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) {
    const double t = static_cast<double>(i) / kSampleRate;
    const double level = (static_cast<int>(t) % 5 == 4) ? 0.0 : 0.05 + 0.1 * (static_cast<int>(t) % 3);
    a.left[i] = static_cast<float>(level * std::sin(2 * M_PI * 110 * t) + 0.3 * level * std::sin(2 * M_PI * 3500 * t));
    a.right[i] = static_cast<float>(level * std::sin(2 * M_PI * 55 * t));
  }
  KMeter fast(kSampleRate);
  // In uneven chunks, as the streaming passes feed it.
  for (size_t pos = 0; pos < a.frames();) {
    const size_t n = std::min<size_t>(777 + pos % 5000, a.frames() - pos);
    fast.add(a.left.data() + pos, a.right.data() + pos, n);
    pos += n;
  }
  EXPECT_NEAR(fast.integrated_lufs(), integrated_lufs(a), 0.05);
  KMeter sine(kSampleRate);
  const AudioBuffer s = tone(997, 1.0, 5);
  sine.add(s.left.data(), s.right.data(), s.frames());
  EXPECT_NEAR(sine.integrated_lufs(), 0.0, 0.05);
  KMeter silent(kSampleRate);
  EXPECT_FALSE(std::isfinite(silent.integrated_lufs()));
}

TEST(Limiter, CatchesInterSamplePeaksThatSamplePeaksMiss) {
  // A sine at fs/4 phased 45 degrees: every sample is at 0.707 of the true peak (-3 dB hidden between samples).
  AudioBuffer a(48000, kSampleRate);
  for (size_t i = 0; i < a.frames(); ++i) a.left[i] = a.right[i] = static_cast<float>(std::sin(M_PI / 2 * i + M_PI / 4));
  EXPECT_NEAR(gain_to_db(estimated_true_peak(BufferFrames(a))), 0.0, 0.3);
  AudioBuffer limited = a;
  size_t next = 0;
  stream_limiter_gain(BufferFrames(limited), 1.0f, LimiterSettings{}, [&](size_t first, const float* g, size_t count) {
    EXPECT_EQ(first, next) << "gains arrive in order, once per frame";
    next = first + count;
    for (size_t k = 0; k < count; ++k) limited.left[first + k] *= g[k], limited.right[first + k] *= g[k];
    return true;
  });
  EXPECT_EQ(next, a.frames());
  const auto r = measure_loudness(limited);
  ASSERT_TRUE(r);
  EXPECT_LE(r->true_peak_dbtp, -1.0);
}

TEST(Limiter, ALoopsEnvelopeWrapsAroundTheSeam) {
  // A loud hit right at the start of a loop: played on repeat, the end runs into it, so the gain must already be
  // falling at the end and join the start's gain without a jump.
  AudioBuffer a = tone(440, 0.2, 2);
  for (size_t i = 0; i < 480; ++i) a.left[i] = a.right[i] = (i % 2 ? 1.0f : -1.0f);
  auto gains = [&](bool circular) {
    std::vector<float> g(a.frames());
    LimiterSettings s;
    s.circular = circular;
    stream_limiter_gain(BufferFrames(a), 1.0f, s, [&](size_t first, const float* v, size_t n) {
      std::copy(v, v + n, g.begin() + static_cast<long>(first));
      return true;
    });
    return g;
  };
  const auto loop = gains(true);
  const auto once = gains(false);
  EXPECT_LT(loop.back(), 0.95f) << "the look-ahead sees the start coming";
  EXPECT_NEAR(loop.back(), loop.front(), 0.02f) << "no jump in gain at the seam";
  EXPECT_FLOAT_EQ(once.back(), 1.0f) << "a piece that ends does not anticipate its start";
}

TEST(Master, HitsTheTargetWithoutPumpingSteadyMaterial) {
  const AudioBuffer mix = tone(220, 0.05, 10);
  const BufferFrames frames(mix);
  MasterSettings s;
  s.target_lufs = -14;
  test::TempDir dir;
  auto mastered = master_audio({&frames}, s, dir.path(), nullptr);
  ASSERT_TRUE(mastered) << mastered.error().message;
  ASSERT_EQ(mastered->audio.size(), 1u);
  const AudioBuffer out = to_buffer(mastered->audio.front());
  ASSERT_EQ(out.frames(), mix.frames());
  const auto m = measure_loudness(out);
  EXPECT_NEAR(m->integrated_lufs, -14, 0.2);
  EXPECT_LE(m->true_peak_dbtp, -1.0);
  EXPECT_LT(mastered->report.max_gain_reduction_db, 0.01) << "a steady tone at -14 LUFS needs no limiting";
  // What the master reports is what a meter reading its result (the trim included) reads.
  EXPECT_NEAR(mastered->report.output_lufs, KMeter::integrated(mastered->audio.front()), 1e-6);
}

TEST(Loudness, AStaticGainIsMeteredWithoutReadingTheAudioAgain) {
  // Loud, quiet and near the -70 LUFS gate, so the gates decide differently at each gain.
  AudioBuffer a = tone(220, 0.2, 4);
  for (double level : {0.0004, 0.00025, 0.02}) {
    const AudioBuffer part = tone(330, level, 3);
    a.left.insert(a.left.end(), part.left.begin(), part.left.end());
    a.right.insert(a.right.end(), part.right.begin(), part.right.end());
  }
  KMeter meter(48000);
  meter.add(a.left.data(), a.right.data(), a.frames());
  for (double gain_db : {-9.0, -1.5, 0.0, 2.0, 12.0}) {
    AudioBuffer scaled = a;
    const auto g = static_cast<float>(std::pow(10.0, gain_db / 20.0));
    for (auto* ch : {&scaled.left, &scaled.right})
      for (float& x : *ch) x *= g;
    EXPECT_NEAR(meter.integrated_lufs(gain_db), KMeter::integrated(BufferFrames(scaled)), 1e-4) << gain_db << " dB";
  }
}

TEST(Master, StemsGetTheMixsGainFrameByFrame) {
  // A loud burst forces the limiter to work; a stem that is half the mix stays exactly half of it.
  AudioBuffer mix = tone(220, 0.2, 6);
  const AudioBuffer burst = tone(1000, 0.95, 0.02);
  for (size_t i = 0; i < burst.frames(); ++i) mix.left[96000 + i] = mix.right[96000 + i] = burst.left[i];
  AudioBuffer half = mix;
  half.scale(0.5f);
  const BufferFrames m(mix), h(half);
  test::TempDir dir;
  auto out = master_audio({&m, &h}, MasterSettings{}, dir.path(), nullptr);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_GT(out->report.max_gain_reduction_db, 1.0) << "the burst is limited";
  const AudioBuffer a = to_buffer(out->audio[0]), b = to_buffer(out->audio[1]);
  for (size_t i = 0; i < a.frames(); i += 997) EXPECT_NEAR(b.left[i], 0.5f * a.left[i], 1e-6f);
}

TEST(Master, SilenceIsAnErrorNotADivisionByZero) {
  const AudioBuffer mix(48000, kSampleRate);
  const BufferFrames frames(mix);
  test::TempDir dir;
  EXPECT_FALSE(master_audio({&frames}, MasterSettings{}, dir.path(), nullptr));
}

TEST(AudioStore, ReadsBackWhatWasWrittenAtAnyPosition) {
  test::TempDir dir;
  auto store = AudioStore::create(dir.path(), kSampleRate);
  ASSERT_TRUE(store) << store.error().message;
  std::vector<float> l(100000), r(100000);
  for (size_t i = 0; i < l.size(); ++i) l[i] = static_cast<float>(i), r[i] = -static_cast<float>(i);
  ASSERT_TRUE(store->append(l.data(), r.data(), 70000));
  std::vector<float> a(10), b(10);
  store->read_at(69995, a.data(), b.data(), 10);  // before finish(): what is still in memory reads too
  EXPECT_FLOAT_EQ(a[4], 69999.0f);
  EXPECT_FLOAT_EQ(a[5], 0.0f) << "past the end is silence";
  ASSERT_TRUE(store->append(l.data() + 70000, r.data() + 70000, 30000));
  ASSERT_TRUE(store->finish());
  EXPECT_EQ(store->frames(), 100000u);
  store->read_at(12345, a.data(), b.data(), 10);
  EXPECT_FLOAT_EQ(a[0], 12345.0f);
  EXPECT_FLOAT_EQ(b[9], -12354.0f);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "the store's file is unlinked at once: nothing to leave behind";
}

TEST(AudioStore, AFullDiskIsAClearError) {
  test::TempDir dir;
  const auto small = dir / "small-disk";
  test::SmallDisk disk(small, "1m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): the full-disk path is untested on this machine";
  auto store = AudioStore::create(small, kSampleRate);
  ASSERT_TRUE(store) << store.error().message;
  std::vector<float> l(48000, 0.1f), r(48000, 0.1f);
  Status failed;
  for (int s = 0; s < 10 && failed; ++s) failed = store->append(l.data(), r.data(), l.size());
  ASSERT_FALSE(failed) << "10 s of audio (3.8 MB) cannot fit in 1 MB";
  EXPECT_EQ(failed.error().code, ErrorCode::kIo);
  EXPECT_NE(failed.error().message.find("is full"), std::string::npos) << failed.error().message;
}

TEST(Shaping, LoopFoldAddsTheOverhangToTheStart) {
  AudioBuffer a(10, kSampleRate);
  for (size_t i = 0; i < 10; ++i) a.left[i] = static_cast<float>(i);
  const BufferFrames rendered(a);
  const ShapedFrames loop(rendered, 6, true, 0);
  ASSERT_EQ(loop.frames(), 6u);
  std::vector<float> l(6), r(6);
  loop.read_at(0, l.data(), r.data(), 6);
  EXPECT_FLOAT_EQ(l[0], 0 + 6);
  EXPECT_FLOAT_EQ(l[3], 3 + 9);
  EXPECT_FLOAT_EQ(l[4], 4);
}

TEST(Shaping, FadeEndsOnExactSilence) {
  const AudioBuffer a = tone(440, 0.5, 1);
  const BufferFrames rendered(a);
  const ShapedFrames faded(rendered, a.frames(), false, 4800);
  std::vector<float> l(a.frames()), r(a.frames());
  faded.read_at(0, l.data(), r.data(), a.frames());
  EXPECT_EQ(l.back(), 0.0f);
  EXPECT_NEAR(std::fabs(l[a.frames() - 4800 - 10]), std::fabs(a.left[a.frames() - 4800 - 10]), 1e-6);
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// Someone talking (a voice's harmonics, its pitch gliding through each syllable, four syllables a second) over a
// quiet steady chord, from `from` to `to` seconds.
AudioBuffer voice_over_chord(double seconds, const std::vector<std::pair<double, double>>& talking) {
  AudioBuffer a;
  a.sample_rate = 48000;
  const auto n = static_cast<size_t>(seconds * a.sample_rate);
  a.left.resize(n), a.right.resize(n);
  double phase = 0;
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / a.sample_rate;
    double x = 0.01 * (std::sin(2 * M_PI * 220 * t) + std::sin(2 * M_PI * 277.2 * t) + std::sin(2 * M_PI * 329.6 * t));
    for (const auto& [from, to] : talking) {
      if (t < from || t >= to) continue;
      const double syllable = std::fmod(t - from, 0.25) / 0.25;       // 0..1 through each syllable
      const double f0 = 120 + 60 * syllable;                             // the pitch glides
      phase += 2 * M_PI * f0 / a.sample_rate;
      const double envelope = std::pow(std::sin(M_PI * syllable), 2);  // rises and falls
      for (int h = 3; h <= 20; ++h) x += 0.05 / h * envelope * std::sin(h * phase);
    }
    a.left[i] = a.right[i] = static_cast<float>(x);
  }
  return a;
}

TEST(Speech, LongAudioMeasuredInStretchesGivesTheSameOnAnyNumberOfThreads) {
  // 40 s: measured as four 10 s stretches; the talking crosses the first and the third boundary.
  const AudioBuffer audio = voice_over_chord(40, {{8.0, 12.0}, {29.0, 31.5}});
  const BufferFrames frames(audio);
  const AudioAnalysis one = analyse_audio(frames, 1), two = analyse_audio(frames, 2), four = analyse_audio(frames, 4);
  ASSERT_EQ(one.speech.size(), 2u);
  EXPECT_NEAR(one.speech[0].start, 8.0, 0.3);
  EXPECT_NEAR(one.speech[0].end, 12.0, 0.3);
  EXPECT_NEAR(one.speech[1].start, 29.0, 0.3);
  EXPECT_NEAR(one.speech[1].end, 31.5, 0.3);
  for (const AudioAnalysis* other : {&two, &four}) {
    ASSERT_EQ(other->speech.size(), one.speech.size());
    for (size_t i = 0; i < one.speech.size(); ++i) {
      EXPECT_EQ(other->speech[i].start, one.speech[i].start);
      EXPECT_EQ(other->speech[i].end, one.speech[i].end);
    }
    EXPECT_EQ(other->loudness_lufs, one.loudness_lufs);
  }
  // The stretches' meters add up to one meter that heard it all.
  EXPECT_NEAR(one.loudness_lufs, KMeter::integrated(frames), 1e-6);
  // A view that only one thread may read is measured in the same stretches, one after another.
  const MixFrames view({MixInput{&frames, 1.0f, nullptr}}, frames.frames(), 48000);
  const AudioAnalysis viewed = analyse_audio(view, 2);
  ASSERT_EQ(viewed.speech.size(), one.speech.size());
  EXPECT_EQ(viewed.speech[0].start, one.speech[0].start);
  EXPECT_EQ(viewed.loudness_lufs, one.loudness_lufs);
  // Asked to stop, it stops.
  EXPECT_TRUE(analyse_audio(frames, 2, [] { return true; }).speech.empty());
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(Shaping, AMeterFedWhileRenderingMeasuresWhatAPassOverTheStoresWould) {
  // Two buses rendered in 4096-frame blocks, 100 000 frames cut to 90 000 with a 0.4 s fade.
  AudioBuffer a, b;
  a.sample_rate = b.sample_rate = 48000;
  for (size_t i = 0; i < 100000; ++i) {
    const double t = static_cast<double>(i) / 48000;
    a.left.push_back(static_cast<float>(0.3 * std::sin(2 * M_PI * 220 * t))), a.right.push_back(static_cast<float>(0.2 * std::sin(2 * M_PI * 330 * t)));
    b.left.push_back(static_cast<float>(0.1 * std::sin(2 * M_PI * 55 * t + 1))), b.right.push_back(static_cast<float>(0.25 * std::sin(2 * M_PI * 1760 * t)));
  }
  const size_t length = 90000, fade = 19200;
  ShapedMeter streamed(2, length, fade, 48000);
  for (size_t at = 0; at < a.frames(); at += 4096) {
    const size_t n = std::min<size_t>(4096, a.frames() - at);
    streamed.add(0, a.left.data() + at, a.right.data() + at, n);
    streamed.add(1, b.left.data() + at, b.right.data() + at, n);
  }
  const KMeter live = streamed.finish();
  const BufferFrames fa(a), fb(b);
  const ShapedFrames sa(fa, length, false, fade), sb(fb, length, false, fade);
  const KMeter read_back = KMeter::measure(MixFrames({MixInput{&sa}, MixInput{&sb}}, length, 48000));
  EXPECT_EQ(live.sub_block_energies(), read_back.sub_block_energies());
  EXPECT_EQ(live.integrated_lufs(), read_back.integrated_lufs());
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

TEST(DrumBus, TamedDrumsWrittenBesideTheMusicAreTheirSumToTheBit) {
  AudioBuffer drums = tone(80, 0.9, 3), music = tone(440, 0.1, 3);
  for (size_t i = 0; i < drums.frames(); i += 12000) drums.left[i] = drums.right[i] = 1.0f;  // hits far above the rest
  const BufferFrames d(drums), m(music);
  DrumBusSettings settings;
  settings.mix_lufs = -20;
  test::TempDir dir;
  auto alone = tame_drum_transients(d, settings, dir.path(), nullptr);
  auto summed = tame_drum_transients(d, settings, dir.path(), nullptr, &m);
  ASSERT_TRUE(alone && summed);
  EXPECT_GT(alone->max_reduction_db, 1.0) << "the hits were tamed";
  EXPECT_EQ(summed->max_reduction_db, alone->max_reduction_db);
  const AudioBuffer expected = to_buffer(MixFrames({MixInput{&m}, MixInput{&alone->audio}}, drums.frames(), 48000));
  const AudioBuffer got = to_buffer(summed->audio);
  EXPECT_EQ(got.left, expected.left);
  EXPECT_EQ(got.right, expected.right);
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// 150 s of music with drum hits of many sizes (the limiters work hard and often), long enough for four stretches.
AudioBuffer hits_over_a_tone(double seconds) {
  AudioBuffer a(static_cast<size_t>(seconds * kSampleRate), kSampleRate);
  uint32_t noise = 12345;
  for (size_t i = 0; i < a.frames(); ++i) {
    const double t = static_cast<double>(i) / kSampleRate;
    const double swell = 0.2 + 0.15 * std::sin(2 * M_PI * t / 17.0);
    const double since_hit = std::fmod(t, 0.37);
    const double hit_size = 0.4 + 0.6 * std::fabs(std::sin(static_cast<double>(static_cast<long>(t / 0.37)) * 1.7));
    noise = noise * 1664525u + 1013904223u;
    const double hit = hit_size * std::exp(-since_hit * 40) * (static_cast<double>(noise) / 4294967296.0 * 2 - 1);
    a.left[i] = static_cast<float>(swell * std::sin(2 * M_PI * 110 * t) + hit);
    a.right[i] = static_cast<float>(swell * std::sin(2 * M_PI * 165 * t) + 0.8 * hit);
  }
  return a;
}

TEST(Stretches, LongAudioIsPlannedInFourStretchesOnTheMetersSubBlocks) {
  EXPECT_EQ(plan_audio_stretches(119 * kSampleRate, kSampleRate).size(), 1u) << "under two minutes: one stretch";
  const size_t frames = 3600u * kSampleRate + 1234;
  const auto stretches = plan_audio_stretches(frames, kSampleRate);
  ASSERT_EQ(stretches.size(), 4u);
  EXPECT_EQ(stretches.front().first, 0u);
  EXPECT_EQ(stretches.back().end, frames);
  for (size_t i = 1; i < stretches.size(); ++i) {
    EXPECT_EQ(stretches[i].first, stretches[i - 1].end);
    EXPECT_EQ(stretches[i].first % (kSampleRate / 10), 0u) << "on a 100 ms sub-block";
    EXPECT_EQ(meter_warm_up_frames(stretches[i], kSampleRate), kSampleRate / 2u);
  }
  EXPECT_EQ(meter_warm_up_frames(stretches.front(), kSampleRate), 0u);
}

TEST(Stretches, ALimiterStartedAWarmUpBeforeItsStretchGivesTheWholeStreamsGains) {
  const AudioBuffer audio = hits_over_a_tone(150);
  const BufferFrames frames(audio);
  for (const double release_ms : {40.0, 120.0}) {
    LimiterSettings s;
    s.ceiling_dbtp = -9;
    s.release_ms = release_ms;
    std::vector<float> whole(audio.frames(), -1.0f), pieces(audio.frames(), -1.0f);
    stream_limiter_gain(frames, 1.0f, s, [&](size_t first, const float* g, size_t n) {
      std::copy_n(g, n, whole.begin() + static_cast<long>(first));
      return true;
    });
    size_t next = 0;
    for (const AudioStretch& st : plan_audio_stretches(audio.frames(), kSampleRate)) {
      stream_limiter_gain(frames, 1.0f, s, st.first, st.end, [&](size_t first, const float* g, size_t n) {
        EXPECT_EQ(first, next) << "a stretch's gains come in order, from its first frame to its last";
        std::copy_n(g, n, pieces.begin() + static_cast<long>(first));
        next = first + n;
        return true;
      });
    }
    EXPECT_EQ(next, audio.frames());
    double most = 0, deepest = 1;
    for (size_t i = 0; i < whole.size(); ++i) most = std::max(most, std::fabs(static_cast<double>(whole[i]) - pieces[i])), deepest = std::min<double>(deepest, whole[i]);
    EXPECT_LT(deepest, 0.5) << "the limiter worked hard (" << release_ms << " ms release)";
    EXPECT_LT(most, 1e-6) << "the stretches' gains are the whole stream's to float precision (" << release_ms << " ms release)";
  }
}

TEST(Stretches, MeteringAndMasteringLongAudioGiveTheSameOnAnyNumberOfThreads) {
  const AudioBuffer audio = hits_over_a_tone(150);
  const BufferFrames frames(audio);
  // The meter: its stretches join into what one meter hearing it all measures.
  const KMeter one = KMeter::measure(frames, 1), two = KMeter::measure(frames, 2);
  EXPECT_EQ(one.sub_block_energies(), two.sub_block_energies());
  KMeter heard_all(kSampleRate);
  heard_all.add(audio.left.data(), audio.right.data(), audio.frames());
  ASSERT_EQ(one.sub_block_energies().size(), heard_all.sub_block_energies().size());
  for (size_t i = 0; i < one.sub_block_energies().size(); ++i)
    ASSERT_NEAR(one.sub_block_energies()[i], heard_all.sub_block_energies()[i], 1e-9 * heard_all.sub_block_energies()[i] + 1e-15) << "sub-block " << i;
  EXPECT_NEAR(one.integrated_lufs(), heard_all.integrated_lufs(), 1e-9);

  // The master and the drum bus: to the bit on one thread or two; the master's promise kept.
  test::TempDir dir;
  MasterSettings settings;
  settings.target_lufs = -14;
  auto alone = master_audio({&frames}, settings, dir.path(), nullptr);
  settings.threads = 2;
  auto shared = master_audio({&frames}, settings, dir.path(), nullptr);
  ASSERT_TRUE(alone && shared);
  EXPECT_EQ(to_buffer(alone->audio[0]).left, to_buffer(shared->audio[0]).left);
  EXPECT_EQ(shared->report.output_lufs, alone->report.output_lufs);
  EXPECT_NEAR(shared->report.output_lufs, -14, 0.1);
  EXPECT_NEAR(KMeter::integrated(shared->audio[0]), -14, 0.1) << "the stores read what the report says";
  EXPECT_LE(gain_to_db(estimated_true_peak(shared->audio[0])), -1.0) << "under the -1 dBTP promise (the trim may lift the -1.3 ceiling by 0.25 dB)";
  EXPECT_GT(shared->report.max_gain_reduction_db, 3);
  DrumBusSettings drums;
  drums.mix_lufs = -20;
  auto tamed_alone = tame_drum_transients(frames, drums, dir.path(), nullptr);
  drums.threads = 2;
  auto tamed_shared = tame_drum_transients(frames, drums, dir.path(), nullptr);
  ASSERT_TRUE(tamed_alone && tamed_shared);
  EXPECT_EQ(to_buffer(tamed_alone->audio).right, to_buffer(tamed_shared->audio).right);
  EXPECT_EQ(tamed_shared->max_reduction_db, tamed_alone->max_reduction_db);
  EXPECT_GT(tamed_shared->max_reduction_db, 1);
}

TEST(AudioStore, StretchesWrittenInPlaceReadBackAsOne) {
  test::TempDir dir;
  auto store = AudioStore::create(dir.path(), kSampleRate);
  ASSERT_TRUE(store) << store.error().message;
  std::vector<float> l(50000), r(50000);
  for (size_t i = 0; i < l.size(); ++i) l[i] = static_cast<float>(i), r[i] = -static_cast<float>(i);
  ASSERT_TRUE(store->write_at(30000, l.data() + 30000, r.data() + 30000, 20000));  // the later stretch first
  ASSERT_TRUE(store->write_at(0, l.data(), r.data(), 30000));
  store->written(50000);
  EXPECT_EQ(store->frames(), 50000u);
  const AudioBuffer back = to_buffer(*store);
  EXPECT_EQ(back.left, l);
  EXPECT_EQ(back.right, r);
}

}  // namespace
}  // namespace bgm
