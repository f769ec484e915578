#include "jobs/result_store.h"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace bgm {
namespace {

constexpr const char* kFormat = "obs-bgm-results";

template <typename T>
T field(const nlohmann::json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) return it->is_string() ? it->template get<std::string>() : fallback;
  else if constexpr (std::is_same_v<T, bool>) return it->is_boolean() ? it->template get<bool>() : fallback;
  else return it->is_number() ? it->template get<T>() : fallback;
}

}  // namespace

ResultStore::ResultStore(std::filesystem::path file) : file_(std::move(file)) {}

std::string ResultStore::load() {
  results_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return {};
  std::ifstream in(file_);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || field<std::string>(doc, "format", "") != kFormat || !doc.contains("results") ||
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
    s.duration_s = field<double>(r, "duration_s", 0.0);
    s.has_video = field<bool>(r, "has_video", false);
    s.created_unix = field<std::int64_t>(r, "created_unix", 0);
    results_.push_back(std::move(s));
    if (results_.size() == kMaxResults) break;
  }
  return {};
}

Status ResultStore::add(SavedResult result) {
  results_.insert(results_.begin(), std::move(result));
  if (results_.size() > kMaxResults) results_.resize(kMaxResults);
  return save();
}

Status ResultStore::save() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : results_) {
    list.push_back({{"output", r.output.string()}, {"source", r.source.string()}, {"style_id", r.style_id}, {"style", r.style_name}, {"prompt", r.prompt},
                    {"duration_s", r.duration_s}, {"has_video", r.has_video}, {"created_unix", r.created_unix}});
  }
  const nlohmann::json doc = {{"format", kFormat}, {"version", 1}, {"results", list}};
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  AtomicOutput out(file_);
  {
    std::ofstream f(out.temp_path());
    f << doc.dump(2) << "\n";
    if (!f) return make_error(ErrorCode::kIo, "Could not save the results list to " + file_.string() + ".");
  }
  ::chmod(out.temp_path().c_str(), 0600);
  return out.commit();
}

}  // namespace bgm
