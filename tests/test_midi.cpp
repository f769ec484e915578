#include <gtest/gtest.h>

#include <map>

#include "compose/composer.h"
#include "midi/smf.h"
#include "support/test_support.h"

namespace bgm {
namespace {

Score make_score() {
  SpecRequest req;
  req.style = "pop";
  req.seed = 11;
  req.duration_s = 20;
  auto spec = build_music_spec(req, StyleCatalog::builtin());
  return *compose(*spec, *StyleCatalog::builtin().find("pop"));
}

TEST(Midi, RoundTripsEveryNoteWithDrumsOnChannelTen) {
  const Score score = make_score();
  auto file = decode_smf(encode_smf(score));
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->format, 1);
  EXPECT_EQ(file->division, 480);
  ASSERT_EQ(file->tracks.size(), score.parts.size() + 1);
  // Conductor track: tempo as microseconds per quarter, and section markers.
  int tempo_events = 0, markers = 0;
  for (const auto& e : file->tracks[0]) {
    if (e.status == 0xFF && e.meta_type == 0x51) {
      const int us = (e.data[0] << 16) | (e.data[1] << 8) | e.data[2];
      ASSERT_LT(static_cast<size_t>(tempo_events), score.tempo.size());
      EXPECT_NEAR(60e6 / us, score.tempo[static_cast<size_t>(tempo_events)].bpm, 0.01);
      EXPECT_EQ(e.tick, score.tempo[static_cast<size_t>(tempo_events)].tick);
      ++tempo_events;
    }
    markers += e.status == 0xFF && e.meta_type == 0x06;
  }
  EXPECT_EQ(tempo_events, static_cast<int>(score.tempo.size())) << "the tempo map, ritardando included";
  EXPECT_GT(score.tempo.size(), 1u) << "the piece broadens into its final chord";
  EXPECT_EQ(markers, static_cast<int>(score.sections.size()));
  for (size_t i = 0; i < score.parts.size(); ++i) {
    const Part& part = score.parts[i];
    int note_ons = 0, programs = 0;
    size_t shaping = 0;
    for (const auto& e : file->tracks[i + 1]) {
      if (e.status == 0xFF) continue;
      EXPECT_EQ(e.channel(), part.channel);
      if (e.type() == 0xB0 && (e.data[0] == kSustainPedal || e.data[0] == kExpression)) ++shaping;
      if (e.type() == 0x90 && e.data[1] > 0) ++note_ons;
      if (e.type() == 0xC0) {
        ++programs;
        EXPECT_EQ(e.data[0], part.program);
      }
    }
    EXPECT_EQ(note_ons, static_cast<int>(part.notes.size())) << part.name;
    EXPECT_EQ(programs, 1);
    EXPECT_EQ(shaping, part.controls.size()) << part.name << ": every pedal and expression change is in the file";
    if (part.role == Role::kDrums) EXPECT_EQ(part.channel, 9) << "General MIDI channel 10";
  }
}

TEST(Midi, WritesAFileThatFluidSynthPlays) {
  test::TempDir dir;
  const auto path = dir / "score.mid";
  const Score score = make_score();
  ASSERT_TRUE(write_midi_file(score, path));
  const auto r = test::run("fluidsynth -ni -q -r 48000 -F " + test::quote(dir / "fs.wav") + " /usr/share/sounds/sf2/TimGM6mb.sf2 " + test::quote(path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto audio = test::decode(dir / "fs.wav");
  EXPECT_GT(audio.seconds(), 19.0);
  EXPECT_GT(test::rms_db(audio, 48000 * 2, 48000 * 10), -45) << "the MIDI file makes sound";
}

TEST(Midi, RejectsGarbage) {
  EXPECT_FALSE(decode_smf({'M', 'T', 'h', 'd', 0, 0}));
  EXPECT_FALSE(decode_smf({}));
}

}  // namespace
}  // namespace bgm
