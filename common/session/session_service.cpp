#include "session/session_service.h"

#include <cmath>
#include <cstdint>
#include <sstream>

#include "agent/clip_words.h"
#include "agent/message_words.h"
#include "analysis/live_analysis.h"
#include "core/atomic_file.h"
#include "core/json_field.h"
#include "core/random_id.h"
#include "core/text.h"
#include "nemo/nemo_protocol.h"
#include "draft/draft_summary.h"
#include "engine/generate.h"
#include "engine/score.h"
#include "media/media_probe.h"
#include "music/theory.h"

namespace bgm {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Removes a file when the scope ends, unless released (path cleared).
struct RemoveOnExit {
  fs::path path;
  ~RemoveOnExit() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

SpecRequest spec_for(const DraftMusic& m) {
  SpecRequest s;
  s.prompt = m.prompt;
  if (!m.style.empty()) s.style = m.style;
  s.seed = m.seed;
  if (m.mood && !m.mood->empty()) s.mood = m.mood;
  s.energy = m.energy;
  if (m.key && !m.key->empty()) s.key = m.key;
  s.exclude = m.exclude;
  return s;
}

// Scoring `input` with the draft's music: the same piece for the preview and the export.
ScoreRequest score_request_for(const DraftMusic& music, const fs::path& input, const fs::path& output, const std::optional<fs::path>& analysis,
                               const SynthOptions& synth) {
  ScoreRequest req;
  req.input = input;
  req.output = output;
  req.spec = spec_for(music);
  req.energy_ranges = music.ranges;
  req.duck_db = music.duck ? std::optional<double>(12.0) : std::nullopt;
  req.analysis_file = analysis;
  req.synth = synth;
  return req;
}

// What we learnt of the piece: pinned in the draft so that the next refinement makes the same piece.
void pin(DraftMusic& m, const MusicSpec& spec, double seconds) {
  m.style = spec.style_id;
  m.style_name = spec.style_name;
  m.key = key_name(spec.key);
  if (!spec.mood.empty()) m.mood = spec.mood;
  m.energy = spec.energy;
  m.seed = spec.seed;
  m.duration_ms = static_cast<int64_t>(std::llround(seconds * 1000));
}


std::string done_line(const MusicSpec& spec, double seconds, Language lang) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << seconds;
  const std::string bpm = std::to_string(static_cast<int>(std::lround(spec.tempo_bpm)));
  if (lang == Language::kChinese) return "完成：" + spec.style_name + "，" + key_name(spec.key) + "，" + bpm + " BPM，" + s.str() + " 秒。";
  return "Done: " + spec.style_name + ", " + key_name(spec.key) + ", " + bpm + " BPM, " + s.str() + " s.";
}

}  // namespace

Result<fs::path> SessionService::source_path(const std::string& session, const std::string& media_id) {
  auto m = store_.media_by_id(session, media_id);
  if (!m) return m.error();
  if (!*m) return make_error(ErrorCode::kInvalidArgument, "The draft names media (" + media_id.substr(0, 40) + ") this session does not hold.");
  if ((*m)->kind == "linked") return fs::path((*m)->file);  // a recording of this machine's, used where it is
  return store_.absolute((*m)->file);
}

std::optional<fs::path> SessionService::cached_analysis(const std::string& session, const std::string& media_id) {
  auto m = store_.media_by_id(session, media_id);
  const std::string file = m && *m ? json_field<std::string>((*m)->info, "analysis", "") : "";
  if (file.empty()) return std::nullopt;
  const fs::path p = store_.absolute(file);
  std::error_code ec;
  return fs::is_regular_file(p, ec) ? std::optional<fs::path>(p) : std::nullopt;
}

Result<MediaRecord> SessionService::add_upload(const std::string& session, const fs::path& file, const std::string& name,
                                               const CancelToken* cancel) {
  std::error_code ec;
  RemoveOnExit cleanup{file};
  const std::string ext = lower_extension(name);
  if (!is_supported_input_extension(ext)) {
    return make_error(ErrorCode::kUnsupported, "'" + name.substr(0, 80) + "' is not a supported type. Accepted: " + supported_input_extensions() + ".");
  }
  const auto size = fs::file_size(file, ec);
  if (ec) return make_error(ErrorCode::kIo, "The upload could not be read: " + ec.message() + ".");
  if (size > kMaxUploadBytes) {
    return Error(ErrorCode::kInvalidArgument, "The file is over 500 MB. Compress or trim it, then upload again.", nemo::code_value(nemo::Code::kTooLarge));
  }
  const std::string id = random_id("m_");
  auto rel = store_.media_file_for(session, id, "." + ext);
  if (!rel) return rel.error();
  const fs::path target = store_.absolute(*rel);
  fs::rename(file, target, ec);
  if (ec) return make_error(ErrorCode::kIo, "The upload could not be stored: " + ec.message() + ".");
  cleanup.path = target;
  auto info = probe_media(target, cancel);
  if (!info) {  // said of the file the person sent, not of where it is stored
    Error e = info.error();
    e.message = replace_all(e.message, target.string(), fs::path(name).filename().string().substr(0, 200));
    return e;
  }
  MediaRecord m;
  m.id = id;
  m.session = session;
  m.kind = "upload";
  m.name = fs::path(name).filename().string().substr(0, 200);
  m.file = *rel;
  m.info = {{"duration_ms", static_cast<int64_t>(std::llround(info->duration_s * 1000))},
            {"type", std::string(media_kind_name(info->kind))},
            {"size_bytes", info->size_bytes},
            {"has_video", info->video.has_value() && info->kind != MediaKind::kAudio},
            {"has_audio", info->audio.has_value()}};
  if (info->video) {
    m.info["width"] = info->video->width;
    m.info["height"] = info->video->height;
  }
  auto added = store_.add_media(m);
  if (!added) return added.error();
  cleanup.path.clear();
  return added;
}

Result<MediaRecord> SessionService::make_music(const std::string& session, Draft& draft, const CancelToken* cancel,
                                               const ProgressFn& progress) {
  DraftMusic music = *draft.music();
  const std::string id = random_id("g_");
  const auto video = draft.video();
  const bool scored = video && !video->source.empty();
  // Music for a recording is kept losslessly (the export mixes it instead of synthesising it again); music alone
  // is the piece itself.
  auto rel = store_.media_file_for(session, id, scored ? ".music.wav" : ".m4a");
  if (!rel) return rel.error();
  auto midi_rel = store_.media_file_for(session, id, ".mid");
  if (!midi_rel) return midi_rel.error();
  const fs::path out = store_.absolute(*rel);
  const fs::path midi = store_.absolute(*midi_rel);
  MediaRecord media;
  media.id = id;
  media.session = session;
  media.kind = "generated";
  media.file = *rel;
  if (scored) {
    auto input = source_path(session, video->source);
    if (!input) return input.error();
    ScoreRequest req = score_request_for(music, *input, {}, cached_analysis(session, video->source), options_.synth);
    req.music_only = true;          // the recording's sound joins at export
    req.rest_for_speech = true;     // composed for that mix
    req.midi_path = midi;
    req.keep_music = out;
    auto r = score_recording(req, cancel, progress);
    if (!r) return r.error();
    if (!req.analysis_file && !video->audio) {
      // Kept for the next refinement and the export: the video is decoded once per session.
      auto arel = store_.media_file_for(session, video->source, ".bgm.json");
      if (arel && write_analysis_file(r->analysis, store_.absolute(*arel))) {
        auto m = store_.media_by_id(session, video->source);
        if (m && *m) {
          json info = (*m)->info;
          info["analysis"] = *arel;
          (void)store_.update_media_info(video->source, info);
        }
      }
    }
    pin(music, r->spec, r->duration_s);
    media.name = r->spec.style_name;
    media.info = {{"duration_ms", music.duration_ms}, {"style", r->spec.style_id}, {"seed", r->spec.seed}, {"key", key_name(r->spec.key)},
                  {"tempo_bpm", r->spec.tempo_bpm}, {"music_file", *rel}, {"music_key", r->music_key}};
  } else {
    GenerateRequest req;
    req.spec = spec_for(music);
    req.spec.duration_s = music.duration_ms / 1000.0;
    req.energy_ranges = music.ranges;
    req.output = out;
    req.midi_path = midi;
    req.synth = options_.synth;
    auto r = generate_music(req, cancel, progress);
    if (!r) return r.error();
    pin(music, r->spec, static_cast<double>(r->frames) / r->sample_rate);
    media.name = r->spec.style_name;
    media.info = {{"duration_ms", music.duration_ms}, {"style", r->spec.style_id}, {"seed", r->spec.seed}, {"key", key_name(r->spec.key)},
                  {"tempo_bpm", r->spec.tempo_bpm}};
  }
  media.info["midi"] = *midi_rel;
  const std::string previous = music.source;
  music.source = id;
  draft.set_music(music);
  auto added = store_.add_media(media);
  if (added && !previous.empty()) forget_kept_music(session, previous);  // one kept piece per timeline
  return added;
}

std::optional<KeptMusic> SessionService::kept_music(const std::string& session, const std::string& media_id) {
  auto m = store_.media_by_id(session, media_id);
  if (!m || !*m) return std::nullopt;
  const std::string file = json_field<std::string>((*m)->info, "music_file", "");
  const std::string key = json_field<std::string>((*m)->info, "music_key", "");
  if (file.empty() || key.empty()) return std::nullopt;
  return KeptMusic{store_.absolute(file), key};
}

void SessionService::forget_kept_music(const std::string& session, const std::string& media_id) {
  auto m = store_.media_by_id(session, media_id);
  if (!m || !*m) return;
  const std::string file = json_field<std::string>((*m)->info, "music_file", "");
  if (file.empty()) return;
  std::error_code ec;
  fs::remove(store_.absolute(file), ec);
  json info = (*m)->info;
  info.erase("music_file");
  info.erase("music_key");
  (void)store_.update_media_info(media_id, info);
}

Result<std::optional<Draft>> SessionService::timeline(const SessionRecord& session, const std::string& media_id) {
  if (media_id == session.focus) return std::optional<Draft>(session.draft);  // the one in focus is the session's draft
  return store_.timeline(session.id, media_id);
}

std::vector<SessionClip> SessionService::clips(const std::vector<MediaRecord>& media) {
  std::vector<SessionClip> out;
  for (const auto& m : media) {
    if (m.kind != "upload" && m.kind != "linked") continue;
    const bool picture = json_field<bool>(m.info, "has_video", false), sound = json_field<bool>(m.info, "has_audio", false);
    if (!picture && !sound) continue;
    DraftVideo v;
    v.audio = !picture;  // a voice-over: the music goes under it
    v.source = m.id;
    v.name = fs::path(m.name).stem().string();
    v.duration_ms = json_field<int64_t>(m.info, "duration_ms", 0);
    if (v.duration_ms == 0) v.duration_ms = 30000;  // a picture: 30 s of video
    out.push_back({m.id, m.name, v});
  }
  return out;
}

namespace {

// "Same music for all of them": the piece of `source` under another clip, at that clip's length (its own ending).
AgentTurn same_music_turn(const Draft& draft, const DraftMusic& source, const DraftVideo& clip, Language lang) {
  AgentTurn turn;
  turn.language = lang;
  turn.draft = draft;
  if (!turn.draft.video()) turn.draft.set_video(clip);
  DraftMusic music = source;
  music.source.clear();
  music.start_ms = 0;
  music.duration_ms = clip.duration_ms;
  music.ranges.clear();  // a part of another clip's music has no place here
  turn.draft.set_music(music);
  turn.understood = turn.render_music = true;
  turn.calls.push_back({"generate_music", {{"same_as", source.source}, {"style", music.style}, {"seed", music.seed}}});
  const std::string name = music.style_name.empty() ? music.style : music.style_name;
  turn.reply = lang == Language::kChinese ? "用同样的音乐（" + name + "）配这段视频，按它的长度收尾。"
                                          : "The same music (" + name + ") goes under this one, ending with it.";
  return turn;
}

}  // namespace

Result<ChatOutcome> SessionService::run_turn(const std::string& session, AgentTurn turn, const ChatEvents& ev, const CancelToken* cancel,
                                             const ChatOptions& options) {
  ChatOutcome out;
  out.understood = turn.understood;
  out.reply = turn.reply;
  for (const auto& c : turn.calls)
    if (ev.call) ev.call(c);
  if (ev.text) ev.text(turn.reply);
  if (turn.render_music && turn.draft.music() && options.make_music) {
    const double seconds = turn.draft.music()->duration_ms / 1000.0;
    if (ev.before_render) {
      if (auto ok = ev.before_render(seconds); !ok) return ok.error();
    }
    auto made = make_music(session, turn.draft, cancel, ev.progress);
    if (ev.after_render) ev.after_render(made.ok());
    if (!made) return made.error();
    out.generated = *made;
    const auto m = turn.draft.music();
    MusicSpec facts;
    facts.style_name = m->style_name;
    auto key = parse_key(m->key.value_or("C major"));
    if (key) facts.key = *key;
    facts.tempo_bpm = json_field<double>(made->info, "tempo_bpm", 100.0);
    const std::string line = " " + done_line(facts, m->duration_ms / 1000.0, turn.language);
    out.reply += turn.language == Language::kChinese ? line.substr(1) : line;
    if (ev.text) ev.text(turn.language == Language::kChinese ? line.substr(1) : line);
  }
  if (turn.understood) {
    const std::string summary = (turn.language == Language::kChinese ? "" : " ") + summarize_draft(turn.draft, turn.language);
    out.reply += summary;
    if (ev.text) ev.text(summary);
  }
  for (const auto& c : turn.calls) {
    if (!ev.call_done) break;
    json response = {{"ok", true}};
    if (out.generated) response["media_id"] = out.generated->id;  // the music this turn made
    ev.call_done(c, response);
  }
  out.draft = turn.draft;
  return out;
}

Result<ChatOutcome> SessionService::chat(const std::string& session, std::string_view message, const ChatEvents& ev,
                                         const CancelToken* cancel, const ChatOptions& options) {
  auto s = store_.session(session);
  if (!s) return s.error();
  if (!*s) return make_error(ErrorCode::kNotFoundRemote, "No such session.");
  auto media = store_.media(session);
  if (!media) return media.error();
  const std::vector<SessionClip> all = clips(*media);
  AgentContext ctx;
  ctx.text_duration_s = options_.text_duration_s;
  ctx.fresh_seed = random_u64() % 1000000;
  if (all.size() <= 1) {  // one recording (or none): the session's one timeline
    if (!all.empty()) ctx.video = all.back().video;
    auto out = run_turn(session, run_agent_turn((*s)->draft, message, ctx), ev, cancel, options);
    if (!out) return out.error();
    if (out->understood) {
      auto saved = all.empty() || !(*s)->focus.empty() ? store_.save_draft(session, out->draft) : store_.focus(session, all.back().id, out->draft);
      if (!saved) return saved.error();
    }
    return out;
  }

  // Several recordings, each with its own timeline: the ones the message names, else the one in focus.
  std::vector<std::string> names;
  for (const auto& c : all) names.push_back(c.name);
  const ClipChoice choice = choose_clips(normalize_message(message), names);
  std::vector<size_t> targets = choice.clips;
  if (choice.all) {
    targets.clear();
    for (size_t i = 0; i < all.size(); ++i) targets.push_back(i);
  }
  const auto focused = std::find_if(all.begin(), all.end(), [&](const SessionClip& c) { return c.id == (*s)->focus; });
  const size_t focus_index = focused == all.end() ? 0 : static_cast<size_t>(focused - all.begin());
  if (targets.empty()) targets.push_back(focus_index);
  auto timeline_of = [&](size_t i) -> Result<Draft> {
    auto t = timeline(**s, all[i].id);
    if (!t) return t.error();
    return t->value_or(Draft());
  };
  // "The same music for all of them": the piece in focus (else the first clip that has music).
  std::optional<DraftMusic> same;
  std::string same_from;
  const auto take_music_of = [&](size_t i) {
    auto d = timeline_of(i);
    if (d && d->music() && !d->music()->source.empty()) same = d->music(), same_from = all[i].id;
  };
  if (choice.same_music) take_music_of(focus_index);
  for (size_t i = 0; choice.same_music && i < all.size() && !same; ++i) take_music_of(i);
  const Language lang = detect_language(message);
  const bool zh = lang == Language::kChinese;
  if (choice.same_music && !same) {
    ChatOutcome out;
    out.reply = zh ? "先为其中一段视频做好音乐，再说“所有视频用一样的音乐”。" : "Make music for one clip first, then say \"same music for all of them\".";
    out.draft = (*s)->draft;
    if (ev.text) ev.text(out.reply);
    return out;
  }
  ChatOutcome combined;
  for (size_t i : targets) {
    if (same && all[i].id == same_from) continue;  // it has that music already
    auto draft = timeline_of(i);
    if (!draft) return draft.error();
    const std::string lead = (zh ? "" : combined.reply.empty() ? "" : " ") + all[i].name + (zh ? "：" : ": ");
    combined.reply += lead;
    if (ev.text) ev.text(lead);
    ctx.video = all[i].video;
    AgentTurn turn = same ? same_music_turn(*draft, *same, all[i].video, lang) : run_agent_turn(*draft, message, ctx);
    auto out = run_turn(session, std::move(turn), ev, cancel, options);
    if (!out) return out.error();
    combined.reply += out->reply;
    combined.understood = combined.understood || out->understood;
    if (out->generated) combined.generated = out->generated;
    if (out->understood) {
      if (auto ok = store_.focus(session, all[i].id, out->draft); !ok) return ok.error();
      combined.draft = out->draft;
    } else if (combined.draft.empty()) {
      combined.draft = out->draft;
    }
  }
  return combined;
}

Result<json> SessionService::state(const std::string& session) {
  auto s = store_.session(session);
  if (!s) return s.error();
  if (!*s) return make_error(ErrorCode::kNotFoundRemote, "No such session.");
  auto media = store_.media(session);
  if (!media) return media.error();
  json videos = json::array(), generated = json::array();
  for (const auto& m : *media) {
    json item = m.info;
    item.erase("analysis");
    item["id"] = m.id;
    item["name"] = m.name;
    (m.kind == "generated" ? generated : videos).push_back(item);
  }
  const Language lang = language_from_code((*s)->language);
  json out = {{"draft", (*s)->draft.as_json()}, {"video_infos", videos}, {"generated_media", generated}, {"summary", summarize_draft((*s)->draft, lang)}};
  const auto all = clips(*media);
  if (all.size() > 1) {
    json timelines = json::array();
    for (const auto& c : all) {
      const std::optional<Draft> d = timeline(**s, c.id).value_or(std::nullopt);
      timelines.push_back({{"media_id", c.id}, {"name", c.name}, {"focus", c.id == (*s)->focus}, {"draft", d ? d->as_json() : json(nullptr)},
                           {"summary", d ? summarize_draft(*d, lang) : std::string()}});
    }
    out["timelines"] = std::move(timelines);
  }
  return out;
}

Result<SessionRecord> SessionService::adopt(const AdoptedResult& made) {
  auto s = store_.create_session("local", made.language);
  if (!s) return s.error();
  Draft draft;
  if (made.recording) {
    MediaRecord m;
    m.id = random_id("m_");
    m.session = s->id;
    m.kind = "linked";
    m.name = made.recording->filename().string();
    m.file = fs::absolute(*made.recording).string();
    m.info = {{"duration_ms", static_cast<int64_t>(std::llround(made.duration_s * 1000))}, {"has_video", made.picture},
              {"has_audio", !made.picture}};
    if (made.analysis && made.picture) {
      auto arel = store_.media_file_for(s->id, m.id, ".bgm.json");
      if (arel && write_analysis_file(*made.analysis, store_.absolute(*arel))) m.info["analysis"] = *arel;
    }
    if (auto added = store_.add_media(m); !added) return added.error();
    draft.set_video({m.id, made.recording->stem().string(), 0, static_cast<int64_t>(std::llround(made.duration_s * 1000)), !made.picture});
  }
  DraftMusic music;
  music.prompt = made.prompt;
  music.volume = made.volume;
  music.duck = made.duck;
  pin(music, made.spec, made.duration_s);
  draft.set_music(music);
  if (auto ok = store_.save_draft(s->id, draft); !ok) return ok.error();
  s->draft = draft;
  return s;
}

Status apply_export_settings(const DraftExport& e, ScoreRequest& req) {
  req.max_height = e.height;
  if (e.preset) {
    auto preset = require_export_preset(*e.preset);
    if (!preset) return preset.error();
    req.preset = **preset;
  }
  if (e.reframe) req.reframe = parse_reframe(*e.reframe).value_or(Reframe::kFit);
  req.range = e.range;
  return {};
}

std::string SessionService::export_extension(const Draft& draft, const std::string& format) const {
  const auto video = draft.video();
  if (!video || video->source.empty() || video->audio) return "m4a";
  if (draft.export_settings().preset) return "mp4";
  if (format == "mov" || format == "mkv" || format == "webm") return format;
  return "mp4";
}

Result<fs::path> SessionService::export_draft(const std::string& session, const Draft& draft, const fs::path& output,
                                              const CancelToken* cancel, const ProgressFn& progress) {
  const auto music = draft.music();
  if (!music) return make_error(ErrorCode::kInvalidArgument, "Nothing to export yet: ask for music first.");
  const auto video = draft.video();
  if (video && !video->source.empty()) {
    auto input = source_path(session, video->source);
    if (!input) return input.error();
    ScoreRequest req = score_request_for(*music, *input, output, cached_analysis(session, video->source), options_.synth);
    req.music_volume = music->volume;
    if (const auto title = draft.title(); title && !title->text.empty()) {
      req.title = title->text;
      req.title_duration_s = std::max(0.5, title->duration_ms / 1000.0);
    }
    if (auto ok = apply_export_settings(draft.export_settings(), req); !ok) return ok.error();
    if (!music->source.empty()) req.reuse_music = kept_music(session, music->source);
    auto r = score_recording(req, cancel, progress);
    if (!r) return r.error();
    return r->output;
  }
  GenerateRequest req;
  req.spec = spec_for(*music);
  req.spec.duration_s = music->duration_ms / 1000.0;
  req.energy_ranges = music->ranges;
  req.output = output;
  req.synth = options_.synth;
  auto r = generate_music(req, cancel, progress);
  if (!r) return r.error();
  return r->output;
}

}  // namespace bgm
