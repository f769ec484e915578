#include "engine/score.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "audio/audio_store.h"
#include "audio/ducking.h"
#include "compose/composer.h"
#include "compose/form.h"
#include "midi/smf.h"
#include "core/atomic_file.h"
#include "engine/music_render.h"
#include "media/audio_decoder.h"
#include "media/audio_encoder.h"
#include "engine/statement.h"
#include "media/muxer.h"
#include "media/still_video.h"
#include "media/video_transcode.h"

namespace bgm {
namespace fs = std::filesystem;
namespace {

// The mood the picture suggests, as one of the prompt's mood words.
std::string mood_for(const MoodEstimate& m) {
  if (m.energy > 0.62) return m.valence > 0.15 ? "energetic" : (m.valence < -0.3 ? "tense" : "epic");
  if (m.energy < 0.35) return m.valence > 0.2 ? "calm" : (m.valence < -0.25 ? "sad" : "dreamy");
  if (m.valence > 0.35) return "happy";
  if (m.valence < -0.3) return "mysterious";
  return "relaxed";
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// The lead rests while someone talks (with a little air either side).
void rest_lead_during(Score& score, const std::vector<TimeSpan>& speech) {
  if (speech.empty()) return;
  for (Part& part : score.parts) {
    if (part.role != Role::kMelody) continue;
    std::erase_if(part.notes, [&](const Note& n) {
      const double on = score.seconds_at(static_cast<double>(n.tick + n.offset));
      const double off = score.seconds_at(static_cast<double>(n.tick + n.offset + n.length));
      return std::any_of(speech.begin(), speech.end(), [&](const TimeSpan& s) { return on < s.end + 0.2 && off > s.start - 0.2; });
    });
  }
}

}  // namespace

fs::path default_score_output(const MediaInfo& input) {
  std::string ext = lower_extension(input.path);
  if (input.kind == MediaKind::kAudio) ext = "m4a";
  else if (!is_supported_video_output_extension(ext)) ext = "mp4";
  return input.path.parent_path() / (input.path.stem().string() + "-bgm." + ext);
}

Result<ScoreResult> score_recording(const ScoreRequest& req, const CancelToken* cancel, const ProgressFn& progress) {
  auto report = [&](Stage s, double f) {
    if (progress) progress(s, f);
  };
  ScoreResult result;
  auto info = probe_media(req.input, cancel);
  if (!info) return info.error();
  result.input = *info;
  const fs::path output = req.output.empty() ? default_score_output(*info) : req.output;
  if (same_file(req.input, output)) {
    return make_error(ErrorCode::kInvalidArgument, "The output would replace the recording itself. Choose another output file.");
  }
  if (auto ok = check_writable_output(output); !ok) return ok.error();
  const std::string out_ext = lower_extension(output);
  const bool audio_out = is_supported_audio_extension(out_ext) && !is_supported_video_output_extension(out_ext);
  if (!audio_out && !is_supported_video_output_extension(out_ext)) {
    return make_error(ErrorCode::kUnsupported, "Cannot write '." + out_ext + "'. Use a video (" + supported_video_output_extensions() +
                                                   ") or audio (m4a, wav, mp3) file.");
  }
  if (!audio_out && info->kind == MediaKind::kAudio) {
    return make_error(ErrorCode::kUnsupported, req.input.string() + " has no picture: write the result as audio (.m4a, .wav or .mp3).");
  }

  // Known from the container already: an over-long file is refused before anything is decoded.
  if (info->duration_s > kMaxDurationS + 1.0) return longer_than_limit(req.input);
  const fs::path work_dir = output.parent_path();
  sweep_leftovers(work_dir);  // what a killed run left beside its output

  // What the music follows: the analysis written live in OBS (checked, not trusted), else the decoded video.
  report(Stage::kAnalysing, 0);
  std::optional<VideoAnalysis> sidecar;
  if (req.analysis_file) {
    auto a = read_analysis_file(*req.analysis_file);
    if (!a) return a.error();
    sidecar = std::move(a).value();
  }
  const bool analyse = info->kind != MediaKind::kAudio && !sidecar;
  if (analyse) {
    auto a = analyse_video(req.input, req.features, cancel, progress);
    if (!a) return a.error();
    result.analysis = std::move(a).value();
    // A still picture has its colours and brightness (one frame) and the length asked for.
    if (info->kind == MediaKind::kImage) result.analysis.duration_s = req.still_duration_s;
  } else {
    result.analysis.source = req.input.string();
    result.analysis.duration_s = info->duration_s;
  }
  // The recording's own sound, decoded once into a store beside the output (memory stays flat), from the moment
  // the picture starts; the hour is enforced while decoding, whatever the container said.
  std::optional<AudioStore> decoded;
  if (info->audio) {
    auto store = AudioStore::create(work_dir, kSampleRate);
    if (!store) return store.error();
    decoded.emplace(std::move(store).value());
    const auto most = static_cast<size_t>((kMaxDurationS + 1.0) * kSampleRate);
    auto append = [&](const float* l, const float* r, size_t n) -> Status {
      if (decoded->frames() + n > most) return longer_than_limit(req.input);
      return decoded->append(l, r, n);
    };
    const double offset = info->video && info->kind == MediaKind::kVideo ? info->audio->start_s - info->video->start_s : 0.0;
    if (auto ok = decode_audio(req.input, kSampleRate, append, cancel, offset); !ok) return ok.error();
    if (auto ok = decoded->finish(); !ok) return ok.error();
    if (info->kind == MediaKind::kAudio) result.analysis.duration_s = decoded->seconds();
  }
  if (sidecar) {
    // The length is the recording's own; the analysis must belong to it.
    const double length = info->duration_s > 0 ? info->duration_s : (decoded ? decoded->seconds() : 0.0);
    if (auto ok = fit_analysis_to_recording(*sidecar, req.input, length); !ok) return ok.error();
    result.analysis = std::move(*sidecar);
  }
  const double duration = result.analysis.duration_s;
  if (!(duration >= kMinDurationS)) {
    return make_error(ErrorCode::kInvalidArgument, req.input.string() + " is too short to score (" + std::to_string(duration).substr(0, 4) +
                                                       " s): music needs at least 2 seconds.");
  }
  if (!(duration <= kMaxDurationS)) return longer_than_limit(req.input);  // the container may not have said
  result.duration_s = duration;
  const auto frames = static_cast<size_t>(std::llround(duration * kSampleRate));
  // The recording's sound cut or padded to the scored length.
  std::vector<MixInput> original_inputs;
  if (decoded) original_inputs.push_back(MixInput{&*decoded});
  const MixFrames original(original_inputs, frames, kSampleRate);
  if (info->audio) result.audio = analyse_audio(original);

  // The music: the prompt where it speaks, the picture where it does not.
  report(Stage::kUnderstanding, 0);
  SpecRequest spec_request = req.spec;
  spec_request.duration_s = duration;
  spec_request.loop = false;
  if (info->kind != MediaKind::kAudio) {
    spec_request.mood_hint = mood_for(result.analysis.mood);
    spec_request.energy_hint = result.analysis.mood.energy;
  }
  const StyleCatalog& catalog = StyleCatalog::builtin();
  auto spec = build_music_spec(spec_request, catalog);
  if (!spec) return spec.error();
  result.spec = *spec;
  result.music_volume = req.music_volume.value_or(spec->music_volume.value_or(0.35));

  if (req.on_plan) req.on_plan(*spec);
  report(Stage::kComposing, 0);
  const StylePreset& style = *catalog.find(spec->style_id);
  VideoCues cues;
  cues.scene_switches = result.analysis.scene_switches;
  cues.cuts = result.analysis.cuts;
  cues.intensity = result.analysis.motion;
  auto score = compose_with_ranges(*spec, style, plan_form_for_video(*spec, style, cues), req.energy_ranges);
  if (!score) return score.error();
  result.score = std::move(score).value();
  if (req.duck_db) rest_lead_during(result.score, result.audio.speech);
  if (req.midi_path) {
    if (auto ok = write_midi_file(result.score, *req.midi_path); !ok) return ok.error();
  }

  MusicRenderOptions render;
  render.synth = req.synth;
  render.stems = req.stems_dir.has_value();
  render.ceiling_dbtp = is_lossy_extension(out_ext) ? kCeilingLossyDbtp : kCeilingLosslessDbtp;
  render.work_dir = work_dir;
  if (req.duck_db) render.no_lift = result.audio.speech;  // the lead rests there for the voice: keep the room
  auto music = render_music(result.score, *spec, render, cancel, progress);
  if (!music) return music.error();

  // Under speech the music steps back; then it sits at its volume under the recording's own sound. Views: the
  // audio is only computed as it is read, chunk by chunk.
  report(Stage::kMixing, 0);
  const DuckingCurve ducking(result.audio.speech, DuckSettings{req.duck_db.value_or(0)}, kSampleRate);
  const GainCurve* duck = req.duck_db && *req.duck_db > 0 ? &ducking : nullptr;
  const auto volume = static_cast<float>(result.music_volume);
  const bool keep_original = req.mode == MixMode::kMix && info->audio && std::isfinite(result.audio.loudness_lufs);
  const MixFrames music_bed({MixInput{&music->mix, volume, duck}}, frames, kSampleRate);
  std::vector<MixInput> premaster_inputs{MixInput{&music->mix, keep_original ? volume : 1.0f, duck}};
  if (keep_original) premaster_inputs.push_back(MixInput{&original});
  const MixFrames premaster(premaster_inputs, frames, kSampleRate);
  MasterSettings master;
  master.target_lufs = spec->loudness_lufs;
  master.ceiling_dbtp = render.ceiling_dbtp;
  auto mastered = master_audio({&premaster}, master, work_dir, cancel);
  if (!mastered) return mastered.error();
  result.master = mastered->report;
  result.master.ride = music->master.ride;  // the music's own ride, before it met the recording
  const AudioStore& final_mix = mastered->audio.front();
  if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  result.statement = make_statement(final_mix, result.score, {result.analysis.cuts, result.analysis.scene_switches}, music->soundfont);
  const std::map<std::string, std::string> licence_tags = {{"comment", result.statement.licence}};

  report(Stage::kExporting, 0);
  if (req.stems_dir) {
    // The stems after ducking, as the music sounds in the mix.
    std::vector<std::unique_ptr<MixFrames>> ducked;
    std::vector<StemView> stems;
    for (const auto& stem : music->stems) {
      ducked.push_back(std::make_unique<MixFrames>(std::vector<MixInput>{MixInput{&stem.audio, 1.0f, duck}}, frames, kSampleRate));
      stems.push_back({stem.name, ducked.back().get()});
    }
    auto files = write_stems(stems, *req.stems_dir, cancel, req.input);
    if (!files) return files.error();
    result.stem_files = std::move(files).value();
  }
  if (audio_out) {
    AudioWriteOptions options;
    options.metadata = {{"comment", "music by obs-bgm: " + spec->style_name}, {"copyright", result.statement.licence}};
    options.keep_existing = req.keep_existing;
    auto written = write_audio_file(final_mix, output, options, cancel, progress);
    if (!written) return written.error();
    result.output = *written;
  } else {
    std::vector<MuxAudioTrack> tracks{{&final_mix, "Mix"}};
    if (req.keep_tracks) {
      tracks.push_back({&music_bed, "Music"});
      if (info->audio) tracks.push_back({&original, "Original audio"});
    }
    if (info->kind == MediaKind::kImage) {
      // The picture becomes the video (the only encoding obs-bgm does); it is then muxed like any recording.
      auto still = WorkFile::create(work_dir, output.stem().string(), ".still.mkv");
      if (!still) return still.error();
      if (auto ok = encode_still_video(req.input, still->path(), duration, cancel); !ok) return ok.error();
      auto written = mux_copied_video(still->path(), output, tracks, duration, cancel, progress, req.keep_existing, licence_tags);
      if (!written) return written.error();
      result.output = *written;
    } else {
      // The video is copied unless it must change: a title, a lower height, or a codec the container cannot hold.
      VideoTransform transform;
      transform.title = req.title;
      transform.title_duration_s = req.title_duration_s;
      if (req.max_height && info->video && *req.max_height < info->video->height) transform.max_height = req.max_height;
      transform.vp9 = out_ext == "webm";
      const bool foreign = info->video && !container_holds_codec(out_ext, info->video->codec);
      if (transform.title || transform.max_height || foreign) {
        auto video = WorkFile::create(work_dir, output.stem().string(), ".video.mkv");
        if (!video) return video.error();
        if (auto ok = transcode_video(req.input, video->path(), transform, duration, cancel, progress); !ok) return ok.error();
        auto written = mux_copied_video(video->path(), output, tracks, duration, cancel, progress, req.keep_existing, licence_tags);
        if (!written) return written.error();
        result.output = *written;
        result.video_reencoded = true;
      } else {
        auto written = mux_copied_video(req.input, output, tracks, duration, cancel, progress, req.keep_existing, licence_tags);
        if (!written) return written.error();
        result.output = *written;
        result.video_copied = true;
      }
    }
  }
  report(Stage::kDone, 1);
  return result;
}

}  // namespace bgm
