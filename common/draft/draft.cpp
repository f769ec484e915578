#include "draft/draft.h"

#include <algorithm>
#include <cmath>

#include "core/json_field.h"

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
      return bad("m.export", "must be {\"height\": 144..4320}");
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

const char* role_of(const json& track) {
  if (track.contains("m") && track["m"].is_object() && track["m"].contains("role") && track["m"]["role"].is_string()) {
    const auto& r = track["m"]["role"].get_ref<const std::string&>();
    if (r == "bgm") return "bgm";
    if (r == "title") return "title";
    if (r == "recording") return "recording";
  }
  return "";
}

json& first_segment(json& track) {
  if (!track.contains("sg") || !track["sg"].is_array()) track["sg"] = json::array();
  if (track["sg"].empty()) track["sg"].push_back(json::object());
  return track["sg"][0];
}

const json* first_segment(const json& track) {
  if (!track.contains("sg") || !track["sg"].is_array() || track["sg"].empty()) return nullptr;
  return &track["sg"][0];
}


}  // namespace

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

int64_t Draft::duration_ms() const { return json_field<int64_t>(json_, "d", 0); }

json* Draft::find_track(int type, const char* role) {
  return const_cast<json*>(static_cast<const Draft*>(this)->find_track(type, role));
}

const json* Draft::find_track(int type, const char* role) const {
  // A track of that role; for video the first video track.
  for (const auto& t : json_["t"]) {
    if (json_field<int>(t, "tt", -1) != type) continue;
    if (type == kTrackVideo || std::string(role_of(t)) == role) return &t;
  }
  return nullptr;
}

void Draft::remove_track(int type, const char* role) {
  auto& tracks = json_["t"];
  for (auto it = tracks.begin(); it != tracks.end(); ++it) {
    if (json_field<int>(*it, "tt", -1) == type && std::string(role_of(*it)) == role) {
      tracks.erase(it);
      break;
    }
  }
  update_duration();
}

void Draft::update_duration() {
  int64_t end = 0;
  for (const auto& t : json_["t"]) {
    if (!t.contains("sg") || !t["sg"].is_array()) continue;
    for (const auto& sg : t["sg"]) end = std::max(end, json_field<int64_t>(sg, "st", 0) + json_field<int64_t>(sg, "d", 0));
  }
  json_["d"] = end;
}

std::optional<DraftVideo> Draft::video() const {
  const json* t = find_track(kTrackVideo, "");
  const bool audio = !t;
  if (!t) t = find_track(kTrackAudio, "recording");
  if (!t) return std::nullopt;
  const json* sg = first_segment(*t);
  DraftVideo v;
  v.audio = audio;
  v.name = t->contains("m") ? json_field<std::string>((*t)["m"], "name", "") : "";
  if (sg) {
    v.source = json_field<std::string>(*sg, "src", "");
    v.start_ms = json_field<int64_t>(*sg, "st", 0);
    v.duration_ms = json_field<int64_t>(*sg, "d", 0);
  }
  return v;
}

std::optional<DraftMusic> Draft::music() const {
  const json* t = find_track(kTrackAudio, "bgm");
  if (!t) return std::nullopt;
  const json* sg = first_segment(*t);
  if (!sg) return std::nullopt;
  DraftMusic m;
  m.source = json_field<std::string>(*sg, "src", "");
  m.start_ms = json_field<int64_t>(*sg, "st", 0);
  m.duration_ms = json_field<int64_t>(*sg, "d", 0);
  m.volume = json_field<double>(*sg, "vol", 0.35);
  const json meta = sg->contains("m") ? (*sg)["m"] : json::object();
  m.duck = json_field<bool>(meta, "duck", true);
  m.prompt = json_field<std::string>(meta, "prompt", "");
  m.style = json_field<std::string>(meta, "style", "");
  m.style_name = json_field<std::string>(meta, "style_name", m.style);
  if (meta.contains("mood")) m.mood = json_field<std::string>(meta, "mood", "");
  if (meta.contains("energy")) m.energy = json_field<double>(meta, "energy", 0.5);
  if (meta.contains("key")) m.key = json_field<std::string>(meta, "key", "");
  if (meta.contains("exclude") && meta["exclude"].is_array())
    for (const auto& e : meta["exclude"])
      if (e.is_string()) m.exclude.push_back(e.get<std::string>());
  m.seed = json_field<uint64_t>(meta, "seed", 0);
  if (meta.contains("ranges") && meta["ranges"].is_array()) {
    for (const auto& r : meta["ranges"]) {
      const double st = json_field<int64_t>(r, "st", 0) / 1000.0;
      m.ranges.push_back({st, st + json_field<int64_t>(r, "d", 0) / 1000.0, json_field<double>(r, "energy", 0)});
    }
  }
  return m;
}

std::optional<DraftTitle> Draft::title() const {
  const json* t = find_track(kTrackText, "title");
  if (!t) return std::nullopt;
  const json* sg = first_segment(*t);
  if (!sg) return std::nullopt;
  return DraftTitle{json_field<std::string>(*sg, "text", ""), json_field<int64_t>(*sg, "st", 0), json_field<int64_t>(*sg, "d", 0)};
}

std::optional<int> Draft::export_height() const {
  const json& m = json_["m"];
  if (!m.contains("export") || !m["export"].contains("height")) return std::nullopt;
  return json_field<int>(m["export"], "height", 0);
}

void Draft::set_video(const DraftVideo& v) {
  json* t = v.audio ? find_track(kTrackAudio, "recording") : find_track(kTrackVideo, "");
  if (!t) {
    json track = v.audio ? json{{"tt", kTrackAudio}, {"m", {{"role", "recording"}}}, {"sg", json::array()}}
                         : json{{"tt", kTrackVideo}, {"m", json::object()}, {"sg", json::array()}};
    json_["t"].insert(json_["t"].begin(), std::move(track));
    t = &json_["t"][0];
  }
  if (!t->contains("m") || !(*t)["m"].is_object()) (*t)["m"] = json::object();
  (*t)["m"]["name"] = v.name;
  json& sg = first_segment(*t);
  sg["src"] = v.source;
  sg["st"] = v.start_ms;
  sg["d"] = v.duration_ms;
  if (!sg.contains("so")) sg["so"] = 0;
  update_duration();
}

void Draft::set_music(const DraftMusic& m) {
  json* t = find_track(kTrackAudio, "bgm");
  if (!t) {
    // After the recording (video or sound), before text tracks: the order a person reads.
    auto& tracks = json_["t"];
    auto at = std::find_if(tracks.begin(), tracks.end(), [](const json& x) {
      return json_field<int>(x, "tt", -1) != kTrackVideo && std::string(role_of(x)) != "recording";
    });
    at = tracks.insert(at, json{{"tt", kTrackAudio}, {"m", {{"role", "bgm"}}}, {"sg", json::array()}});
    t = &*at;
  }
  json& sg = first_segment(*t);
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

void Draft::remove_music() { remove_track(kTrackAudio, "bgm"); }

void Draft::set_title(const DraftTitle& title) {
  json* t = find_track(kTrackText, "title");
  if (!t) {
    json_["t"].push_back(json{{"tt", kTrackText}, {"m", {{"role", "title"}}}, {"sg", json::array()}});
    t = &json_["t"].back();
  }
  json& sg = first_segment(*t);
  sg["text"] = title.text;
  sg["st"] = title.start_ms;
  sg["d"] = title.duration_ms;
  update_duration();
}

void Draft::remove_title() { remove_track(kTrackText, "title"); }

void Draft::set_export_height(std::optional<int> height) {
  json& m = json_["m"];
  if (!height) {
    if (m.contains("export")) m["export"].erase("height");
    return;
  }
  if (!m.contains("export") || !m["export"].is_object()) m["export"] = json::object();
  m["export"]["height"] = *height;
}

}  // namespace bgm
