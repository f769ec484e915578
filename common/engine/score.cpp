#include "engine/score.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>

#include "analysis/column_activity.h"
#include "audio/audio_store.h"
#include "audio/ducking.h"
#include "compose/composer.h"
#include "compose/form.h"
#include "midi/smf.h"
#include "core/atomic_file.h"
#include "core/text.h"
#include "engine/music_render.h"
#include "synth/soundfont_info.h"
#include "media/audio_decoder.h"
#include "media/audio_encoder.h"
#include "engine/statement.h"
#include "media/muxer.h"
#include "media/packet_scan.h"
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

fs::path default_score_output(const MediaInfo& input, const ExportPreset* preset) {
  if (preset) return input.path.parent_path() / (input.path.stem().string() + "-" + preset->id + ".mp4");
  std::string ext = lower_extension(input.path);
  if (input.kind == MediaKind::kAudio) ext = "m4a";
  else if (!is_supported_video_output_extension(ext)) ext = "mp4";
  return input.path.parent_path() / (input.path.stem().string() + "-bgm." + ext);
}

Error longer_than_preset(const fs::path& input, double length_s, const ExportPreset& preset) {
  const std::string cap = clock_text(preset.max_seconds);
  return make_error(ErrorCode::kInvalidArgument,
                    input.filename().string() + " is " + clock_text(length_s) + " long; " + preset.name + " takes at most " + cap +
                        ". Nothing was cut: export the first part (--range 0:00-" + cap + "), or any part up to " + cap +
                        " (e.g. --range 1:20-2:50); it gets music composed for that part, ending on its last frame.");
}

namespace {

// What a preset or a range asks of the recording, checked before anything is decoded.
Status check_export(const ScoreRequest& req, const MediaInfo& info, const std::string& out_ext) {
  if (req.preset) {
    if (info.kind == MediaKind::kAudio) return make_error(ErrorCode::kUnsupported, req.input.string() + " has no picture: a platform export is a video.");
    if (out_ext != "mp4") return make_error(ErrorCode::kUnsupported, "A " + req.preset->name + " export is an .mp4 file; choose an output ending in .mp4.");
  }
  if (req.range) {
    if (info.kind == MediaKind::kImage) return make_error(ErrorCode::kUnsupported, "A picture has no parts to choose: score it without --range.");
    const double a = req.range->start, b = req.range->end;
    if (!(a >= 0) || !(b > a)) return make_error(ErrorCode::kInvalidArgument, "A range runs from an earlier time to a later one (e.g. 1:20-2:50).");
    if (info.duration_s > 0 && a >= info.duration_s) {
      return make_error(ErrorCode::kInvalidArgument, req.input.filename().string() + " is only " + clock_text(info.duration_s) + " long: the range starts after its end.");
    }
  }
  const double whole = info.duration_s;
  const double length = req.range ? std::min(req.range->end, whole > 0 ? whole : req.range->end) - req.range->start : whole;
  if (req.preset && req.preset->max_seconds > 0 && length > req.preset->max_seconds + 0.05) return longer_than_preset(req.input, length, *req.preset);
  return {};
}

// How the video is re-encoded for a preset (its frame, rate, bitrate, GOP; fitted or cropped), a range, a title,
// a lower height or a container that cannot hold the codec. nullopt: it can be copied as it is.
struct VideoPlan {
  bool copy = true;
  VideoTransform transform;
};

Result<VideoPlan> plan_video(const ScoreRequest& req, const MediaInfo& info, const VideoAnalysis& analysis, const std::string& out_ext,
                             double duration, ScoreResult& result, const CancelToken* cancel) {
  VideoPlan plan;
  VideoTransform& t = plan.transform;
  t.title = req.title;
  t.title_duration_s = req.title_duration_s;
  if (req.max_height && info.video && *req.max_height < info.video->height) t.max_height = req.max_height;
  t.vp9 = out_ext == "webm";
  const bool foreign = info.video && !container_holds_codec(out_ext, info.video->codec);
  plan.copy = !t.title && !t.max_height && !foreign && !req.range;
  if (req.range) t.start_s = req.range->start;
  if (!req.preset || !info.video) return plan;

  const ExportPreset& p = *req.preset;
  const double source_fps = info.video->fps > 0 ? info.video->fps : analysis.fps;
  const double fps = export_fps(p, source_fps);
  if (p.source_frame()) {
    const bool fits = info.video->codec == "h264" && info.video->height <= p.max_height && std::fabs(fps - source_fps) < 0.01;
    plan.copy = plan.copy && p.copy_when_fits && fits;
    if (plan.copy && p.max_keyframe_gap_s > 0) {  // the platform's keyframe rule, read from the packets
      auto scan = scan_video_packets(req.input, kMaxDurationS, cancel);
      if (!scan) return scan.error();
      plan.copy = scan->longest_keyframe_gap_s() <= p.max_keyframe_gap_s;
    }
    if (info.video->height > p.max_height) t.max_height = p.max_height;
  } else {
    plan.copy = false;
    t.width = p.width;
    t.height = p.height;
    t.crop_window = crop_window(info.video->width, info.video->height, p.width, p.height);
    if (req.reframe == Reframe::kCrop && t.crop_window < 0.999) {
      auto activity = measure_column_activity(req.input, t.start_s, duration, cancel);
      if (!activity) return activity.error();
      std::vector<double> cuts = analysis.cuts;
      cuts.insert(cuts.end(), analysis.scene_switches.begin(), analysis.scene_switches.end());
      std::sort(cuts.begin(), cuts.end());
      result.reframe = plan_reframe(Reframe::kCrop, t.crop_window, duration, cuts, *activity);
      t.crop_left = [plan_copy = *result.reframe](double at) { return plan_copy.crop_left_at(at); };
    } else {
      result.reframe = plan_reframe(Reframe::kFit, t.crop_window, duration, {}, {});
    }
  }
  if (plan.copy) return plan;
  t.fps = fps;
  t.video_kbps = export_video_kbps(p, fps);
  t.max_video_kbps = p.max_video_kbps;
  t.keyframe_s = p.keyframe_s;
  return plan;
}

// The recording's own sound from the moment the picture starts, decoded once into a store in `work_dir`; the
// hour is enforced while decoding, whatever the container said. Stops on `stop` or `cancel`.
Result<AudioStore> decode_recording_audio(const ScoreRequest& req, const MediaInfo& info, const fs::path& work_dir, double range_start,
                                          const CancelToken* stop, const CancelToken* cancel) {
  const double offset = (info.video && info.kind == MediaKind::kVideo ? info.audio->start_s - info.video->start_s : 0.0) - range_start;
  const auto most = static_cast<size_t>((kMaxDurationS + 1.0) * kSampleRate);
  return decode_audio_to_store(req.input, work_dir, offset, cancel, most, longer_than_limit(req.input), stop);
}

// Joins a helper thread on every way out of a scope, asking it to stop first when it can be asked.
struct JoinOnExit {
  std::thread& thread;
  CancelToken* stop = nullptr;
  ~JoinOnExit() {
    if (!thread.joinable()) return;
    if (stop) stop->request_cancel();
    thread.join();
  }
};

}  // namespace

Result<ScoreResult> score_recording(const ScoreRequest& req, const CancelToken* cancel, const ProgressFn& progress) {
  auto report = [&](Stage s, double f) {
    if (progress) progress(s, f);
  };
  ScoreResult result;
  auto info = probe_media(req.input, cancel);
  if (!info) return info.error();
  result.input = *info;
  if (req.music_only && !req.keep_music) return make_error(ErrorCode::kInvalidArgument, "The music alone is kept in a file: name it.");
  const fs::path output = req.music_only       ? *req.keep_music
                          : req.output.empty() ? default_score_output(*info, req.preset ? &*req.preset : nullptr)
                                               : req.output;
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
  if (auto ok = check_export(req, *info, out_ext); !ok) return ok.error();
  const double range_start = req.range ? req.range->start : 0.0;
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
  // The recording's own sound, decoded into a store beside the output while the picture is analysed (on a thread
  // of its own; it stops when the analysis fails or the user cancels).
  std::optional<AudioStore> decoded;
  Status audio_status;
  CancelToken stop_audio;
  auto decode = [&] {
    auto store = decode_recording_audio(req, *info, work_dir, range_start, &stop_audio, cancel);
    if (store) decoded.emplace(std::move(store).value());
    else audio_status = store.error();
  };
  std::thread audio_thread;
  const JoinOnExit audio_join{audio_thread, &stop_audio};
  // With the analysis at hand, the SoundFont loads (tens of milliseconds a lane) while the recording's sound is
  // decoded and measured (beside a video analysis it would only add its memory to the decoders'); not for an
  // export that will most likely mix music kept from before.
  std::optional<Result<std::unique_ptr<SoundFontSynth>>> opened;
  std::thread opening;
  const JoinOnExit opening_join{opening};
  if (!req.reuse_music && !analyse) {
    opening = std::thread([&] {
      SynthOptions options = req.synth;
      options.stems = req.stems_dir.has_value();
      opened.emplace(SoundFontSynth::create(options));
    });
  }
  if (info->audio && analyse) audio_thread = std::thread(decode);
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
  if (audio_thread.joinable()) audio_thread.join();
  else if (info->audio) decode();
  if (!audio_status) return audio_status.error();
  if (decoded && info->kind == MediaKind::kAudio) {
    result.analysis.duration_s = decoded->seconds();
    if (req.range) result.analysis.duration_s = std::min(decoded->seconds(), req.range->end - req.range->start);
  }
  if (sidecar) {
    // The length is the recording's own; the analysis must belong to it.
    const double length = info->duration_s > 0 ? info->duration_s : (decoded ? decoded->seconds() : 0.0);
    if (auto ok = fit_analysis_to_recording(*sidecar, req.input, length); !ok) return ok.error();
    result.analysis = std::move(*sidecar);
  }
  if (req.range && info->kind == MediaKind::kVideo) result.analysis = slice_analysis(result.analysis, req.range->start, req.range->end);
  const double duration = result.analysis.duration_s;
  if (!(duration >= kMinDurationS)) {
    return make_error(ErrorCode::kInvalidArgument, req.input.string() + " is too short to score (" + std::to_string(duration).substr(0, 4) +
                                                       " s): music needs at least 2 seconds.");
  }
  // An hour, with the second of slack the container check and the decoders allow (a track a few ms longer).
  if (!(duration <= kMaxDurationS + 1.0)) return longer_than_limit(req.input);
  result.duration_s = duration;
  const auto frames = static_cast<size_t>(std::llround(duration * kSampleRate));
  // The recording's sound cut or padded to the scored length.
  std::vector<MixInput> original_inputs;
  if (decoded) original_inputs.push_back(MixInput{&*decoded});
  const MixFrames original(original_inputs, frames, kSampleRate);
  if (info->audio) {
    result.audio = analyse_audio(original, req.synth.cpu_cores, [cancel] { return cancel && cancel->cancelled(); });
    if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  }

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
  const bool rest_for_speech = req.rest_for_speech.value_or(req.mode == MixMode::kMix);
  if (rest_for_speech) rest_lead_during(result.score, result.audio.speech);
  if (req.midi_path) {
    if (auto ok = write_midi_file(result.score, *req.midi_path); !ok) return ok.error();
  }

  MusicRenderOptions render;
  render.synth = req.synth;
  render.stems = req.stems_dir.has_value();
  render.ceiling_dbtp = req.music_only || is_lossy_extension(out_ext) ? kCeilingLossyDbtp : kCeilingLosslessDbtp;
  render.work_dir = work_dir;
  if (rest_for_speech) render.no_lift = result.audio.speech;  // the lead rests there for the voice: keep the room
  // The music: kept from before when its notes are the same (a kept file that cannot be read is made again).
  if (req.reuse_music || req.keep_music) result.music_key = music_key(result.score, *spec, render);
  std::optional<MusicAudio> music;
  if (req.reuse_music && req.reuse_music->key == result.music_key && !render.stems) {
    auto kept = read_kept_music(req.reuse_music->file, static_cast<size_t>(std::llround(spec->duration_s * kSampleRate)), work_dir, cancel);
    if (!kept && kept.error().code == ErrorCode::kCancelled) return kept.error();
    if (kept) {
      MusicAudio reused{std::move(kept).value(), {}, 0.0, {}, soundfont_for(req.synth), 0.0, 0.0, 0.0};
      music.emplace(std::move(reused));
      result.music_reused = true;
    }
  }
  if (!music) {
    if (opening.joinable()) opening.join();
    std::unique_ptr<SoundFontSynth> synth;
    if (opened && *opened) synth = std::move(**opened);  // a failure to open is met again, and reported, below
    auto made = render_music(result.score, *spec, render, cancel, progress, std::move(synth));
    if (!made) return made.error();
    music.emplace(std::move(made).value());
    if (req.keep_music) {
      if (auto ok = keep_music(music->mix, *req.keep_music, cancel); !ok) return ok.error();
    }
  }
  if (req.music_only) {
    result.output = result.music_reused ? req.reuse_music->file : *req.keep_music;
    report(Stage::kDone, 1);
    return result;
  }

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
  master.threads = req.synth.cpu_cores;
  auto mastered = master_audio({&premaster}, master, work_dir, cancel);
  if (!mastered) return mastered.error();
  result.master = mastered->report;
  result.master.ride = music->master.ride;  // the music's own ride, before it met the recording
  const AudioStore& final_mix = mastered->audio.front();
  if (!req.keep_tracks) {
    // The mix is all the export reads: the music and the recording's sound give their disk back now, before an
    // hour of them would be written out to it.
    music->mix.discard();
    if (decoded) decoded->discard();
  }
  if (cancel && cancel->cancelled()) return make_error(ErrorCode::kCancelled, "Cancelled.");
  // The statement measures the mix as it is encoded, on a thread of its own beside the export.
  const std::string licence = music_licence_note(read_soundfont_info(music->soundfont));
  std::thread measuring([&] { result.statement = make_statement(final_mix, result.score, {result.analysis.cuts, result.analysis.scene_switches}, music->soundfont,
                                                                result.master.output_lufs); });
  const JoinOnExit measured{measuring};
  const std::map<std::string, std::string> licence_tags = {{"comment", licence}};

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
    options.metadata = {{"comment", "music by obs-bgm: " + spec->style_name}, {"copyright", licence}};
    options.keep_existing = req.keep_existing;
    options.threads = req.synth.cpu_cores;
    auto written = write_audio_file(final_mix, output, options, cancel, progress);
    if (!written) return written.error();
    result.output = *written;
  } else {
    std::vector<MuxAudioTrack> tracks{{&final_mix, "Mix"}};
    MuxOptions mux_options;
    mux_options.keep_existing = req.keep_existing;
    mux_options.audio_threads = req.synth.cpu_cores;
    mux_options.metadata = licence_tags;
    mux_options.faststart = req.preset.has_value();
    if (req.preset) mux_options.audio_bit_rate = req.preset->audio_kbps * 1000;
    if (req.keep_tracks) {
      tracks.push_back({&music_bed, "Music"});
      if (info->audio) tracks.push_back({&original, "Original audio"});
    }
    if (info->kind == MediaKind::kImage) {
      // The picture becomes the video (the only encoding obs-bgm does); it is then muxed like any recording.
      auto still = WorkFile::create(work_dir, output.stem().string(), ".still.mkv");
      if (!still) return still.error();
      if (auto ok = encode_still_video(req.input, still->path(), duration, cancel); !ok) return ok.error();
      auto written = mux_copied_video(still->path(), output, tracks, duration, cancel, progress, mux_options);
      if (!written) return written.error();
      result.output = *written;
    } else {
      // The video is copied unless it must change: a title, a lower height, a range, a preset's frame, rate or
      // keyframes, or a codec the container cannot hold.
      auto plan = plan_video(req, *info, result.analysis, out_ext, duration, result, cancel);
      if (!plan) return plan.error();
      fs::path video_source = req.input;
      std::optional<WorkFile> video;
      if (!plan->copy) {
        auto work = WorkFile::create(work_dir, output.stem().string(), ".video.mkv");
        if (!work) return work.error();
        video.emplace(std::move(work).value());
        if (auto ok = transcode_video(req.input, video->path(), plan->transform, duration, cancel, progress); !ok) return ok.error();
        video_source = video->path();
      }
      auto written = mux_copied_video(video_source, output, tracks, duration, cancel, progress, mux_options);
      if (!written) return written.error();
      result.output = *written;
      result.video_copied = plan->copy;
      result.video_reencoded = !plan->copy;
    }
  }
  measuring.join();
  report(Stage::kDone, 1);
  return result;
}

}  // namespace bgm
