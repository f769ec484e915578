#include "jobs/job_json.h"

#include <algorithm>
#include <cstdint>

#include "core/json_field.h"

namespace bgm {
using json = nlohmann::json;

json to_json(const Error& e) {
  json j = {{"code", error_code_name(e.code)}, {"message", e.message}};
  if (e.remote_code) j["remote_code"] = e.remote_code;
  if (!e.action_url.empty()) j["action_url"] = e.action_url;
  return j;
}

json to_json(const TranscriptLine& line) { return {{"id", line.id}, {"args", line.args}, {"text", line.text}}; }

TranscriptLine transcript_line_from_json(const json& j) {
  TranscriptLine line;
  line.id = json_field<std::string>(j, "id", "");
  line.text = json_field<std::string>(j, "text", "");
  if (j.is_object() && j.contains("args") && j["args"].is_array())
    for (const auto& a : j["args"])
      if (a.is_string()) line.args.push_back(a.get<std::string>());
  return line;
}

json to_json(const JobRequest& r) {
  json j = {{"prompt", r.prompt},     {"style", r.style}, {"music_volume", r.music_volume},
            {"duck", r.duck},         {"output", r.output == JobOutput::kVideoWithMusic ? "video" : "audio"},
            {"text_duration_s", r.text_duration_s}};
  if (r.input) j["input"] = r.input->string();
  if (!r.output_dir.empty()) j["output_dir"] = r.output_dir.string();
  if (r.seed) j["seed"] = *r.seed;
  if (!r.session_id.empty()) j["session_id"] = r.session_id;
  if (r.export_only) j["export_only"] = true;
  return j;
}

json to_json(const JobResult& r) {
  json j = {{"output", r.output.string()}, {"style_id", r.style_id}, {"style", r.style_name}, {"duration_s", r.duration_s},
            {"has_video", r.has_video}};
  if (!r.session_id.empty()) j["session_id"] = r.session_id;
  if (!r.summary.empty()) j["summary"] = r.summary;
  return j;
}

json to_json(const JobSnapshot& s) {
  json j = {{"id", s.id}, {"state", job_state_id(s.state)}, {"stage", std::string(stage_id(s.stage))}, {"progress", s.fraction},
            {"request", to_json(s.request)}, {"transcript", json::array()}};
  for (const auto& line : s.transcript) j["transcript"].push_back(to_json(line));
  if (s.result) j["result"] = to_json(*s.result);
  if (s.error) j["error"] = to_json(*s.error);
  return j;
}

json to_json(const SavedResult& r) {
  return {{"output", r.output.string()}, {"source", r.source.string()}, {"style_id", r.style_id}, {"style", r.style_name},
          {"prompt", r.prompt}, {"duration_s", r.duration_s}, {"has_video", r.has_video}, {"created_unix", r.created_unix},
          {"session_id", r.session_id}, {"summary", r.summary}};
}

SavedResult saved_result_from_json(const json& j) {
  SavedResult s;
  s.output = json_field<std::string>(j, "output", "");
  s.source = json_field<std::string>(j, "source", "");
  s.style_id = json_field<std::string>(j, "style_id", "");
  s.style_name = json_field<std::string>(j, "style", "");
  s.prompt = json_field<std::string>(j, "prompt", "");
  s.duration_s = std::max(0.0, json_field<double>(j, "duration_s", 0.0));
  s.has_video = json_field<bool>(j, "has_video", false);
  s.created_unix = json_field<std::int64_t>(j, "created_unix", 0);
  s.session_id = json_field<std::string>(j, "session_id", "");
  s.summary = json_field<std::string>(j, "summary", "");
  return s;
}

}  // namespace bgm
