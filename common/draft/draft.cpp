#include "draft/draft.h"

#include <algorithm>
#include <cmath>

#include "core/json_field.h"
#include "core/text.h"

namespace bgm {

using json = nlohmann::json;

namespace {

constexpr int64_t kMaxMs = 24LL * 3600 * 1000;
constexpr size_t kMaxText = 4096;

Error bad(const std::string& where, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "The draft is not valid: " + where + " " + what + ".");
}

bool is_ms(const json& v) { return v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= kMaxMs; }

Status check_segment(const json& sg, const std::string& where) {
  if (!sg.is_object()) return bad(where, "must be an object");
  for (const char* k : {"st", "d", "so"})
    if (sg.contains(k) && !is_ms(sg[k])) return bad(where + "." + k, "must be a whole number of ms between 0 and 24 h");
  if (sg.contains("vol") && !(sg["vol"].is_number() && sg["vol"].get<double>() >= 0 && sg["vol"].get<double>() <= 1))
    return bad(where + ".vol", "must be a number from 0 to 1");
  for (const char* k : {"src", "text"})
    if (sg.contains(k) && !(sg[k].is_string() && sg[k].get_ref<const std::string&>().size() <= kMaxText))
      return bad(where + "." + k, "must be a string of at most 4096 bytes");
  if (sg.contains("m") && !sg["m"].is_object()) return bad(where + ".m", "must be an object");
  if (!sg.contains("m")) return {};
  const json& m = sg["m"];
  for (const char* k : {"prompt", "style", "style_name", "mood", "key"})
    if (m.contains(k) && !(m[k].is_string() && m[k].get_ref<const std::string&>().size() <= kMaxText))
      return bad(where + ".m." + k, "must be a string of at most 4096 bytes");
  if (m.contains("seed") && !m["seed"].is_number_unsigned()) return bad(where + ".m.seed", "must be a whole number >= 0");
  if (m.contains("duck") && !m["duck"].is_boolean()) return bad(where + ".m.duck", "must be true or false");
  if (m.contains("energy") && !(m["energy"].is_number() && m["energy"].get<double>() >= 0 && m["energy"].get<double>() <= 1))
    return bad(where + ".m.energy", "must be a number from 0 to 1");
  if (m.contains("exclude")) {
    if (!m["exclude"].is_array() || m["exclude"].size() > 64) return bad(where + ".m.exclude", "must be a list of instrument names");
    for (const auto& e : m["exclude"])
      if (!e.is_string() || e.get_ref<const std::string&>().size() > 64) return bad(where + ".m.exclude", "must be a list of instrument names");
  }
  if (m.contains("ranges")) {
    if (!m["ranges"].is_array() || m["ranges"].size() > kMaxDraftRanges) return bad(where + ".m.ranges", "must be a list of at most 32 ranges");
    for (const auto& r : m["ranges"]) {
      if (!r.is_object() || !is_ms(r.value("st", json())) || !is_ms(r.value("d", json())) || !r.value("energy", json()).is_number() ||
          std::fabs(r["energy"].get<double>()) > 1)
        return bad(where + ".m.ranges", "must hold {\"st\": ms, \"d\": ms, \"energy\": -1..1}");
    }
  }
  return {};
}

Status check(const json& j) {
  if (!j.is_object()) return bad("the top level", "must be an object");
  if (j.contains("d") && !is_ms(j["d"])) return bad("d", "must be a whole number of ms between 0 and 24 h");
  if (j.contains("m") && !j["m"].is_object()) return bad("m", "must be an object");
  if (j.contains("m") && j["m"].contains("export")) {
    const json& e = j["m"]["export"];
    if (!e.is_object() || (e.contains("height") && !(e["height"].is_number_integer() && e["height"].get<int64_t>() >= 144 &&
                                                     e["height"].get<int64_t>() <= 4320)))
      return bad("m.export", "must be {\"height\": 144..4320, \"preset\": id, \"reframe\": \"fit\" or \"crop\", \"range\": {\"st\", \"d\"}}");
    if (e.contains("preset") && !(e["preset"].is_string() && e["preset"].get_ref<const std::string&>().size() <= 64))
      return bad("m.export.preset", "must be a preset's id (\"shorts\")");
    if (e.contains("reframe") && !(e["reframe"] == "fit" || e["reframe"] == "crop")) return bad("m.export.reframe", "must be \"fit\" or \"crop\"");
    if (e.contains("range") && !(e["range"].is_object() && is_ms(e["range"].value("st", json())) && is_ms(e["range"].value("d", json())) &&
                                 e["range"]["d"].get<int64_t>() > 0))
      return bad("m.export.range", "must be {\"st\": ms, \"d\": ms above 0}");
  }
  if (!j.contains("t")) return {};
  if (!j["t"].is_array() || j["t"].size() > kMaxDraftTracks) return bad("t", "must be a list of at most 32 tracks");
  for (size_t i = 0; i < j["t"].size(); ++i) {
    const json& t = j["t"][i];
    const std::string where = "t[" + std::to_string(i) + "]";
    if (!t.is_object()) return bad(where, "must be an object");
    if (!t.contains("tt") || !t["tt"].is_number_integer()) return bad(where + ".tt", "must be the track type (0 video, 1 audio, 7 text)");
    if (t.contains("m") && !t["m"].is_object()) return bad(where + ".m", "must be an object");
    if (!t.contains("sg")) continue;
    if (!t["sg"].is_array() || t["sg"].size() > kMaxDraftSegments) return bad(where + ".sg", "must be a list of at most 256 segments");
    for (size_t s = 0; s < t["sg"].size(); ++s)
      if (auto ok = check_segment(t["sg"][s], where + ".sg[" + std::to_string(s) + "]"); !ok) return ok;
  }
  return {};
}

const json& empty_array() {
  static const json a = json::array();
  return a;
}

const json& empty_object() {
  static const json o = json::object();
  return o;
}

const json& array_at(const json& j, const char* key) {
  const json& v = json_member(j, key);
  return v.is_array() ? v : empty_array();
}

const json& object_at(const json& j, const char* key) {
  const json& v = json_member(j, key);
  return v.is_object() ? v : empty_object();
}

std::string text_at(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>().substr(0, kMaxText);
  if (it->is_number_integer()) return it->dump();  // an id sent as a number
  return {};
}

int64_t ms_at(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return 0;
  return std::clamp<int64_t>(loose_integer(j[key]).value_or(0), 0, kMaxMs);
}

std::optional<double> volume_at(const json& sg) {
  if (!sg.is_object() || !sg.contains("vol")) return std::nullopt;
  auto v = loose_number(sg["vol"]);
  if (!v || *v < 0) return std::nullopt;
  if (*v > 1 && *v <= 100) *v /= 100;  // a percentage
  return std::min(*v, 1.0);
}

std::optional<bool> flag_at(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return std::nullopt;
  const json& v = j[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) {
    const std::string t = ascii_lower(v.get_ref<const std::string&>());
    if (t == "true" || t == "1" || t == "yes") return true;
    if (t == "false" || t == "0" || t == "no") return false;
  }
  return std::nullopt;
}

bool is_one_of(const std::string& s, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return s == w; });
}

bool named_music(const std::string& role) { return is_one_of(role, {"bgm", "music", "background_music", "backgroundmusic", "background music"}); }
bool named_recording(const std::string& role) { return is_one_of(role, {"recording", "voice", "voiceover", "voice-over", "narration", "dialogue"}); }

json& first_segment(json& track) {
  if (!track.contains("sg") || !track["sg"].is_array()) track["sg"] = json::array();
  if (track["sg"].empty()) track["sg"].push_back(json::object());
  if (!track["sg"][0].is_object()) track["sg"][0] = json::object();
  return track["sg"][0];
}

const json& first_segment(const json& track) {
  const json& sg = array_at(track, "sg");
  return sg.empty() ? empty_object() : sg[0];
}

DraftTrack read_track(const json& t, size_t index) {
  DraftTrack track;
  track.index = index;
  const auto type = t.is_object() && t.contains("tt") ? loose_integer(t["tt"]) : std::nullopt;
  track.type = type && *type >= 0 && *type < 1000 ? static_cast<int>(*type) : -1;
  const json& m = object_at(t, "m");
  track.role = ascii_lower(text_at(m, "role"));
  track.name = text_at(m, "name");
  const json& segments = array_at(t, "sg");
  for (size_t i = 0; i < segments.size() && i < kMaxDraftSegments; ++i) {
    const json& sg = segments[i];
    track.segments.push_back({ms_at(sg, "st"), ms_at(sg, "d"), text_at(sg, "src"), volume_at(sg), text_at(sg, "text")});
  }
  if (track.type == kTrackVideo) track.kind = TrackKind::kVideo;
  else if (track.type == kTrackText) track.kind = track.role == "title" ? TrackKind::kTitle : TrackKind::kText;
  else if (track.type == kTrackAudio) track.kind = named_music(track.role) ? TrackKind::kMusic : named_recording(track.role) ? TrackKind::kRecording : TrackKind::kAudio;
  return track;
}

bool any_source_in(const DraftTrack& t, const std::set<std::string>& ids) {
  return std::any_of(t.segments.begin(), t.segments.end(), [&](const DraftSegment& s) { return !s.source.empty() && ids.count(s.source); });
}

bool any_new_source(const DraftTrack& t, const std::set<std::string>& earlier) {
  return std::any_of(t.segments.begin(), t.segments.end(), [&](const DraftSegment& s) { return !s.source.empty() && !earlier.count(s.source); });
}

// Which of the plain audio tracks are the recording and the music, when the draft does not say.
void classify_audio(std::vector<DraftTrack>& tracks, const DraftMedia& media) {
  const auto has = [&](TrackKind k) { return std::any_of(tracks.begin(), tracks.end(), [&](const DraftTrack& t) { return t.kind == k; }); };
  std::vector<DraftTrack*> plain;
  for (auto& t : tracks)
    if (t.kind == TrackKind::kAudio) plain.push_back(&t);
  if (plain.empty()) return;
  if (!has(TrackKind::kVideo) && !has(TrackKind::kRecording)) {
    // No picture: the sound the user sent is what the music goes under; unknown uploads: the first of several.
    auto it = std::find_if(plain.begin(), plain.end(), [&](DraftTrack* t) { return any_source_in(*t, media.uploads); });
    if (it == plain.end() && media.uploads.empty() && plain.size() > 1) it = plain.begin();
    if (it != plain.end()) {
      (*it)->kind = TrackKind::kRecording;
      plain.erase(it);
    }
  }
  if (has(TrackKind::kMusic)) return;
  // The music: a generated source, else the source the turn added, else any source that is not an upload.
  DraftTrack* best = nullptr;
  int best_score = 0;
  for (DraftTrack* t : plain) {
    int score = 0;
    if (any_source_in(*t, media.generated)) score = 3;
    else if (any_source_in(*t, media.uploads)) score = 0;
    else if (!media.earlier.empty() && any_new_source(*t, media.earlier)) score = 2;
    else score = 1;
    if (score > best_score) best = t, best_score = score;
  }
  if (best) best->kind = TrackKind::kMusic;
}

}  // namespace

int64_t DraftTrack::start_ms() const {
  int64_t start = segments.empty() ? 0 : segments[0].start_ms;
  for (const auto& s : segments) start = std::min(start, s.start_ms);
  return start;
}

int64_t DraftTrack::end_ms() const {
  int64_t end = 0;
  for (const auto& s : segments) end = std::max(end, s.start_ms + s.duration_ms);
  return end;
}

Draft::Draft() : json_{{"t", json::array()}, {"d", 0}, {"m", json::object()}} {}

Result<Draft> Draft::from_json(const json& j) {
  if (auto ok = check(j); !ok) return ok.error();
  Draft d;
  d.json_ = j;
  if (!d.json_.contains("t")) d.json_["t"] = json::array();
  if (!d.json_.contains("m")) d.json_["m"] = json::object();
  if (!d.json_.contains("d")) d.update_duration();
  return d;
}

Result<Draft> Draft::from_service(const json& j, DraftMedia media) {
  if (!j.is_object()) return bad("the top level", "must be an object");
  Draft d;
  d.json_ = j;
  d.media_ = std::move(media);
  return d;
}

std::vector<DraftTrack> Draft::tracks() const {
  std::vector<DraftTrack> out;
  const json& t = array_at(json_, "t");
  for (size_t i = 0; i < t.size() && i < kMaxDraftTracks; ++i) out.push_back(read_track(t[i], i));
  classify_audio(out, media_);
  return out;
}

bool Draft::empty() const { return array_at(json_, "t").empty(); }

bool Draft::only_recording() const {
  const auto all = tracks();
  return std::all_of(all.begin(), all.end(), [](const DraftTrack& t) { return t.kind == TrackKind::kVideo || t.kind == TrackKind::kRecording; });
}

int64_t Draft::duration_ms() const {
  if (json_.contains("d")) {
    if (const auto d = loose_integer(json_["d"]); d && *d >= 0) return std::min(*d, kMaxMs);
  }
  int64_t end = 0;
  for (const auto& t : tracks()) end = std::max(end, t.end_ms());
  return end;
}

std::optional<DraftTrack> Draft::track(TrackKind kind) const {
  for (auto& t : tracks())
    if (t.kind == kind) return std::move(t);
  return std::nullopt;
}

std::optional<size_t> Draft::track_of(TrackKind kind) const {
  const auto t = track(kind);
  return t ? std::optional<size_t>(t->index) : std::nullopt;
}

json& Draft::tracks_json() {
  if (!json_.contains("t") || !json_["t"].is_array()) json_["t"] = json::array();
  return json_["t"];
}

void Draft::remove_track(TrackKind kind) {
  if (const auto i = track_of(kind)) tracks_json().erase(tracks_json().begin() + static_cast<std::ptrdiff_t>(*i));
  update_duration();
}

void Draft::update_duration() {
  int64_t end = 0;
  for (const auto& t : tracks()) end = std::max(end, t.end_ms());
  json_["d"] = end;
}

std::optional<DraftVideo> Draft::video() const {
  auto found = track(TrackKind::kVideo);
  const bool audio = !found;
  if (!found) found = track(TrackKind::kRecording);
  if (!found) return std::nullopt;
  const DraftTrack& t = *found;
  DraftVideo v;
  v.audio = audio;
  v.name = t.name;
  if (!t.segments.empty()) {
    v.source = t.segments[0].source;
    v.start_ms = t.segments[0].start_ms;
    v.duration_ms = t.segments[0].duration_ms;
  }
  return v;
}

std::optional<DraftMusic> Draft::music() const {
  const auto found = track(TrackKind::kMusic);
  if (!found || found->segments.empty()) return std::nullopt;
  const DraftTrack& t = *found;
  const json& sg = first_segment(array_at(json_, "t")[t.index]);
  DraftMusic m;
  m.source = t.segments[0].source;
  m.start_ms = t.start_ms();
  m.duration_ms = t.end_ms() - m.start_ms;
  m.volume = t.segments[0].volume.value_or(0.35);
  const json& meta = object_at(sg, "m");
  m.duck = flag_at(meta, "duck").value_or(true);
  m.prompt = text_at(meta, "prompt");
  m.style = text_at(meta, "style");
  m.style_name = text_at(meta, "style_name");
  if (m.style_name.empty()) m.style_name = m.style;
  if (meta.contains("mood")) m.mood = text_at(meta, "mood");
  if (meta.contains("energy"))
    if (const auto e = loose_number(meta["energy"])) m.energy = std::clamp(*e, 0.0, 1.0);
  if (meta.contains("key")) m.key = text_at(meta, "key");
  for (const auto& e : array_at(meta, "exclude"))
    if (e.is_string() && m.exclude.size() < 64) m.exclude.push_back(e.get<std::string>());
  if (meta.contains("seed"))
    if (const auto seed = loose_integer(meta["seed"]); seed && *seed >= 0) m.seed = static_cast<uint64_t>(*seed);
  for (const auto& r : array_at(meta, "ranges")) {
    if (m.ranges.size() >= kMaxDraftRanges) break;
    const double st = static_cast<double>(ms_at(r, "st")) / 1000.0;
    const double delta = std::clamp(r.is_object() && r.contains("energy") ? loose_number(r["energy"]).value_or(0) : 0.0, -1.0, 1.0);
    m.ranges.push_back({st, st + static_cast<double>(ms_at(r, "d")) / 1000.0, delta});
  }
  return m;
}

std::optional<DraftTitle> Draft::title() const {
  const auto t = track(TrackKind::kTitle);
  if (!t || t->segments.empty()) return std::nullopt;
  return DraftTitle{t->segments[0].text, t->segments[0].start_ms, t->segments[0].duration_ms};
}

DraftExport Draft::export_settings() const {
  const json& e = object_at(object_at(json_, "m"), "export");
  DraftExport out;
  if (e.contains("height"))
    if (const auto h = loose_integer(e["height"]); h && *h >= 144 && *h <= 4320) out.height = static_cast<int>(*h);
  if (const std::string preset = ascii_lower(text_at(e, "preset")); !preset.empty()) out.preset = preset;
  if (const std::string reframe = ascii_lower(text_at(e, "reframe")); reframe == "fit" || reframe == "crop") out.reframe = reframe;
  const json& range = object_at(e, "range");
  if (range.contains("st") && range.contains("d")) {
    const double st = static_cast<double>(ms_at(range, "st")) / 1000.0, d = static_cast<double>(ms_at(range, "d")) / 1000.0;
    if (d > 0) out.range = TimeSpan{st, st + d};
  }
  return out;
}

void Draft::set_video(const DraftVideo& v) {
  auto i = track_of(v.audio ? TrackKind::kRecording : TrackKind::kVideo);
  json& list = tracks_json();
  if (!i) {
    json track = v.audio ? json{{"tt", kTrackAudio}, {"m", {{"role", "recording"}}}, {"sg", json::array()}}
                         : json{{"tt", kTrackVideo}, {"m", json::object()}, {"sg", json::array()}};
    list.insert(list.begin(), std::move(track));
    i = 0;
  }
  json& t = list[*i];
  if (!t.contains("m") || !t["m"].is_object()) t["m"] = json::object();
  t["m"]["name"] = v.name;
  json& sg = first_segment(t);
  sg["src"] = v.source;
  sg["st"] = v.start_ms;
  sg["d"] = v.duration_ms;
  if (!sg.contains("so")) sg["so"] = 0;
  update_duration();
}

void Draft::set_music(const DraftMusic& m) {
  auto i = track_of(TrackKind::kMusic);
  if (!i) {
    // After the recording (video or sound), before text tracks: the order a person reads.
    size_t at = 0;
    for (const auto& t : tracks())
      if (t.kind == TrackKind::kVideo || t.kind == TrackKind::kRecording) at = t.index + 1;
    json& list = tracks_json();
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), json{{"tt", kTrackAudio}, {"m", {{"role", "bgm"}}}, {"sg", json::array()}});
    i = at;
  }
  json& sg = first_segment(tracks_json()[*i]);
  sg["src"] = m.source;
  sg["st"] = m.start_ms;
  sg["d"] = m.duration_ms;
  sg["vol"] = std::clamp(m.volume, 0.0, 1.0);
  if (!sg.contains("m") || !sg["m"].is_object()) sg["m"] = json::object();
  json& meta = sg["m"];
  meta["duck"] = m.duck;
  meta["prompt"] = m.prompt;
  meta["style"] = m.style;
  meta["style_name"] = m.style_name;
  meta["seed"] = m.seed;
  meta["exclude"] = m.exclude;
  if (m.mood) meta["mood"] = *m.mood;
  else meta.erase("mood");
  if (m.energy) meta["energy"] = std::clamp(*m.energy, 0.0, 1.0);
  else meta.erase("energy");
  if (m.key) meta["key"] = *m.key;
  else meta.erase("key");
  json ranges = json::array();
  for (const auto& r : m.ranges) {
    const auto st = static_cast<int64_t>(std::llround(r.start_s * 1000));
    ranges.push_back({{"st", st}, {"d", static_cast<int64_t>(std::llround(r.end_s * 1000)) - st}, {"energy", r.delta}});
  }
  meta["ranges"] = std::move(ranges);
  update_duration();
}

bool Draft::set_music_mix(double volume, bool duck) {
  const auto found = track(TrackKind::kMusic);
  if (!found || found->segments.empty()) return false;
  const bool ours = found->role == "bgm";
  json& music = tracks_json()[found->index];
  if (music.contains("sg") && music["sg"].is_array()) {
    for (auto& sg : music["sg"])
      if (sg.is_object()) sg["vol"] = std::clamp(volume, 0.0, 1.0);
  }
  if (ours) {
    json& sg = first_segment(music);
    if (!sg.contains("m") || !sg["m"].is_object()) sg["m"] = json::object();
    sg["m"]["duck"] = duck;
  }
  return true;
}

void Draft::remove_music() { remove_track(TrackKind::kMusic); }

void Draft::set_title(const DraftTitle& title) {
  auto i = track_of(TrackKind::kTitle);
  json& list = tracks_json();
  if (!i) {
    list.push_back(json{{"tt", kTrackText}, {"m", {{"role", "title"}}}, {"sg", json::array()}});
    i = list.size() - 1;
  }
  json& sg = first_segment(list[*i]);
  sg["text"] = title.text;
  sg["st"] = title.start_ms;
  sg["d"] = title.duration_ms;
  update_duration();
}

void Draft::remove_title() { remove_track(TrackKind::kTitle); }

void Draft::set_export_settings(const DraftExport& settings) {
  if (settings.empty() && object_at(object_at(json_, "m"), "export").empty()) return;  // nothing to say: the draft stays as sent
  if (!json_.contains("m") || !json_["m"].is_object()) json_["m"] = json::object();
  json& m = json_["m"];
  if (!m.contains("export") || !m["export"].is_object()) m["export"] = json::object();
  json& e = m["export"];
  const auto put = [&](const char* key, auto&& value, bool present) {
    if (present) e[key] = value;
    else e.erase(key);
  };
  put("height", settings.height.value_or(0), settings.height.has_value());
  put("preset", settings.preset.value_or(""), settings.preset.has_value());
  put("reframe", settings.reframe.value_or(""), settings.reframe.has_value());
  if (settings.range && settings.range->end > settings.range->start && settings.range->start >= 0) {
    const auto st = std::min<int64_t>(static_cast<int64_t>(std::llround(settings.range->start * 1000)), kMaxMs - 1);
    const auto end = std::min<int64_t>(static_cast<int64_t>(std::llround(settings.range->end * 1000)), kMaxMs);
    e["range"] = {{"st", st}, {"d", std::max<int64_t>(1, end - st)}};
  } else {
    e.erase("range");
  }
  if (e.empty()) m.erase("export");
}

}  // namespace bgm
