// Every output format: decodable, the right codec, and the right length.
#include <gtest/gtest.h>

#include "engine/generate.h"
#include "support/test_support.h"

namespace bgm {
namespace {

struct FormatCase {
  const char* ext;
  const char* codec;
  long long decode_tolerance;  // samples FFmpeg's decoder may add (AAC end padding it does not trim)
  bool container_exact;        // the container records the exact length (checked with ffprobe)
};

void PrintTo(const FormatCase& fc, std::ostream* os) { *os << fc.ext; }

class Formats : public ::testing::TestWithParam<FormatCase> {};

TEST_P(Formats, WritesDecodableAudioOfTheRequestedLength) {
  const FormatCase fc = GetParam();
  test::TempDir dir;
  GenerateRequest req;
  req.spec.style = "acoustic";
  req.spec.duration_s = 9.5;
  req.spec.seed = 3;
  req.output = dir / (std::string("music.") + fc.ext);
  auto r = generate_music(req, nullptr, {});
  ASSERT_TRUE(r) << r.error().message;
  const auto probe = test::run("ffprobe -v error -select_streams a:0 -show_entries stream=codec_name -of csv=p=0 " + test::quote(req.output));
  EXPECT_EQ(probe.out, std::string(fc.codec) + "\n");
  EXPECT_GE(test::decoded_samples(req.output), 9.5 * 48000) << fc.ext << ": nothing is cut";
  EXPECT_LE(test::decoded_samples(req.output), 9.5 * 48000 + fc.decode_tolerance) << fc.ext;
  if (fc.container_exact) {
    const auto ts = test::run("ffprobe -v error -select_streams a:0 -show_entries stream=duration_ts -of csv=p=0 " + test::quote(req.output));
    EXPECT_EQ(ts.out, "456000\n") << fc.ext << ": the container records the exact length";
  }
  const auto l = test::ffmpeg_loudness(req.output);
  EXPECT_NEAR(l.integrated_lufs, -14, 0.7);
  EXPECT_LE(l.true_peak_dbtp, -1.0) << fc.ext << ": measured on the delivered file, after the encoder";
}

INSTANTIATE_TEST_SUITE_P(All, Formats,
                         ::testing::Values(FormatCase{"wav", "pcm_s24le", 0, true}, FormatCase{"flac", "flac", 0, false},
                                           FormatCase{"mp3", "mp3", 0, false}, FormatCase{"m4a", "aac", 1023, true},
                                           // ADTS has no field for the length: priming and padding, up to two frames
                                           FormatCase{"aac", "aac", 2048, false}),
                         [](const auto& info) { return std::string(info.param.ext); });

TEST(Formats, UnknownExtensionIsRejectedBeforeAnyWork) {
  test::TempDir dir;
  GenerateRequest req;
  req.output = dir / "music.ogg";
  auto r = generate_music(req, nullptr, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("wav, flac, mp3, m4a, aac"), std::string::npos);
}

}  // namespace
}  // namespace bgm
