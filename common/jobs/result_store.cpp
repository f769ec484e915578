#include "jobs/result_store.h"

#include <algorithm>
#include <cmath>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/json_text.h"

namespace bgm {
namespace {

constexpr const char* kFormat = "obs-bgm-results";

template <typename T>
T field(const nlohmann::json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) return it->is_string() ? it->template get<std::string>() : fallback;
  else if constexpr (std::is_same_v<T, bool>) return it->is_boolean() ? it->template get<bool>() : fallback;
  else if constexpr (std::is_integral_v<T>) return it->is_number_integer() ? it->template get<T>() : fallback;
  else return it->is_number() && std::isfinite(it->template get<double>()) ? it->template get<T>() : fallback;
}

}  // namespace

ResultStore::ResultStore(std::filesystem::path file) : file_(std::move(file)) {}

std::string ResultStore::load() {
  results_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return {};
  const bool readable = std::filesystem::is_regular_file(file_, ec) && std::filesystem::file_size(file_, ec) <= kMaxFileBytes;
  std::ifstream in;
  if (readable) in.open(file_);
  const auto doc = readable ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  if (!readable || doc.is_discarded() || !doc.is_object() || field<std::string>(doc, "format", "") != kFormat || !doc.contains("results") ||
      !doc["results"].is_array()) {
    std::filesystem::rename(file_, file_.string() + ".bad", ec);
    return "The results list " + file_.string() + " was damaged; it was set aside as " + file_.filename().string() + ".bad.";
  }
  for (const auto& r : doc["results"]) {
    if (!r.is_object()) continue;
    SavedResult s;
    s.output = field<std::string>(r, "output", "");
    if (s.output.empty()) continue;
    s.source = field<std::string>(r, "source", "");
    s.style_id = field<std::string>(r, "style_id", "");
    s.style_name = field<std::string>(r, "style", "");
    s.prompt = field<std::string>(r, "prompt", "");
    s.duration_s = std::max(0.0, field<double>(r, "duration_s", 0.0));
    s.has_video = field<bool>(r, "has_video", false);
    s.created_unix = field<std::int64_t>(r, "created_unix", 0);
    s.session_id = field<std::string>(r, "session_id", "");
    s.summary = field<std::string>(r, "summary", "");
    results_.push_back(std::move(s));
    if (results_.size() == kMaxResults) break;
  }
  return {};
}

void ResultStore::add(SavedResult result) {
  results_.insert(results_.begin(), std::move(result));
  if (results_.size() > kMaxResults) results_.resize(kMaxResults);
}

Status ResultStore::write(const std::filesystem::path& file, const std::vector<SavedResult>& results) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : results) {
    list.push_back({{"output", r.output.string()}, {"source", r.source.string()}, {"style_id", r.style_id}, {"style", r.style_name}, {"prompt", r.prompt},
                    {"duration_s", r.duration_s}, {"has_video", r.has_video}, {"created_unix", r.created_unix},
                    {"session_id", r.session_id}, {"summary", r.summary}});
  }
  const nlohmann::json doc = {{"format", kFormat}, {"version", 1}, {"results", list}};
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return write_file_atomically(file, json_text(doc) + "\n", OutputPolicy{false, true});
}

}  // namespace bgm
