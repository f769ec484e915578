#include "engine/kept_music.h"

#include <fluidsynth.h>

#include <cmath>
#include <sstream>

#include "core/random_id.h"
#include "core/version.h"
#include "media/audio_decoder.h"
#include "media/audio_encoder.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

// Raised whenever the synthesis or the music's mastering changes what the same notes sound like.
constexpr int kKeptMusicFormat = 2;  // 2: each part's stereo image (synth/part_image.h)

// Doubles written exactly (hex floats), so a key does not depend on how a number prints.
std::ostream& exact(std::ostream& out, double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%a", v);
  return out << buf;
}

}  // namespace

fs::path soundfont_for(const SynthOptions& synth) {
  if (!synth.soundfont.empty()) return synth.soundfont;
  return default_soundfont_path().value_or(fs::path());
}

std::string music_key(const Score& score, const MusicSpec& spec, const MusicRenderOptions& options) {
  std::ostringstream k;
  k << "obs-bgm " << OBS_BGM_VERSION << " kept-music " << kKeptMusicFormat << " fluidsynth " << fluid_version_str() << '\n';
  const fs::path soundfont = soundfont_for(options.synth);
  std::error_code ec;
  k << "soundfont " << fs::absolute(soundfont, ec).string() << ' ' << fs::file_size(soundfont, ec) << ' '
    << fs::last_write_time(soundfont, ec).time_since_epoch().count() << " rate " << options.synth.sample_rate << '\n';
  k << "length ";
  exact(k, spec.duration_s) << " loop " << spec.loop << " loudness ";
  exact(k, spec.loudness_lufs) << " ceiling ";
  exact(k, options.ceiling_dbtp) << " stems " << options.stems << '\n';
  k << "no-lift";
  for (const TimeSpan& s : options.no_lift) {
    k << ' ';
    exact(k, s.start) << '-';
    exact(k, s.end);
  }
  k << "\ntempo";
  for (const TempoChange& t : score.tempo) {
    k << ' ' << t.tick << '@';
    exact(k, t.bpm);
  }
  k << "\neffects ";
  exact(k, score.reverb_room) << ' ';
  exact(k, score.reverb_level) << ' ';
  exact(k, score.chorus_level) << " loop " << score.loop << '\n';
  for (const Part& p : score.parts) {
    k << "part " << p.name << ' ' << static_cast<int>(p.role) << ' ' << p.channel << ' ' << p.program << ' ' << p.bank << ' ' << p.volume
      << ' ' << p.pan << ' ' << p.reverb << ' ' << p.chorus << ' ' << p.preset_chorus << ' ';
    exact(k, p.low_cut_hz) << ' ';
    exact(k, p.width) << '\n';
    for (const Note& n : p.notes) k << n.tick << ' ' << n.offset << ' ' << n.length << ' ' << n.pitch << ' ' << n.velocity << ';';
    k << '\n';
    for (const Control& c : p.controls) k << c.tick << ' ' << c.controller << ' ' << c.value << ';';
    k << '\n';
  }
  return sha256_hex(k.str());
}

Status keep_music(const AudioFrames& music, const fs::path& file, const CancelToken* cancel) {
  auto written = write_audio_file(music, file, {}, cancel);
  if (!written) return written.error();
  return {};
}

Result<AudioStore> read_kept_music(const fs::path& file, size_t frames, const fs::path& work_dir, const CancelToken* cancel) {
  auto store = decode_audio_to_store(file, work_dir, 0.0, cancel, frames, Error{ErrorCode::kMedia, "The kept music is longer than the piece."});
  if (!store) return store.error();
  if (store->frames() != frames) return make_error(ErrorCode::kMedia, "The kept music is shorter than the piece.");
  return std::move(store).value();
}

}  // namespace bgm
