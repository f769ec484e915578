#include "jobs/result_store.h"

#include <algorithm>
#include <cmath>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/json_read.h"
#include "core/json_text.h"
#include "core/json_field.h"
#include "jobs/job_json.h"

namespace bgm {
namespace {

constexpr const char* kFormat = "obs-bgm-results";

}  // namespace

ResultStore::ResultStore(std::filesystem::path file) : file_(std::move(file)) {}

std::string ResultStore::load() {
  results_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return {};
  const bool readable = std::filesystem::is_regular_file(file_, ec) && std::filesystem::file_size(file_, ec) <= kMaxFileBytes;
  auto parsed = readable ? read_json_file(file_, "The results list", {kMaxFileBytes, 64}) : Result<nlohmann::json>(nlohmann::json());
  const nlohmann::json doc = parsed ? std::move(parsed).value() : nlohmann::json();
  if (!readable || !parsed || !doc.is_object() || json_field<std::string>(doc, "format", "") != kFormat || !doc.contains("results") ||
      !doc["results"].is_array()) {
    std::filesystem::rename(file_, file_.string() + ".bad", ec);
    return "The results list " + file_.string() + " was damaged; it was set aside as " + file_.filename().string() + ".bad.";
  }
  for (const auto& r : doc["results"]) {
    if (!r.is_object()) continue;
    SavedResult saved = saved_result_from_json(r);
    if (saved.output.empty()) continue;
    results_.push_back(std::move(saved));
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
  for (const auto& r : results) list.push_back(to_json(r));
  const nlohmann::json doc = {{"format", kFormat}, {"version", 1}, {"results", list}};
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return write_file_atomically(file, json_text(doc) + "\n", OutputPolicy{false, true});
}

}  // namespace bgm
