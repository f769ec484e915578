#include "nemo/nemo_state.h"

#include "core/json_field.h"

namespace bgm {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxIds = 4096;
constexpr const char* kIdKeys[] = {"id", "media_id", "mediaId", "video_id", "videoId", "file_id", "fileId", "src", "url", "uri"};

void add_ids_of(const json& item, std::set<std::string>& out) {
  if (item.is_string()) {
    out.insert(item.get<std::string>());
    return;
  }
  if (!item.is_object()) return;
  for (const char* key : kIdKeys) {
    const auto it = item.find(key);
    if (it == item.end()) continue;
    if (it->is_string()) out.insert(it->get<std::string>());
    else if (it->is_number_integer()) out.insert(it->dump());
  }
}

}  // namespace

std::set<std::string> media_ids(const json& list) {
  std::set<std::string> out;
  if (list.is_array()) {
    for (const auto& item : list) {
      if (out.size() >= kMaxIds) break;
      add_ids_of(item, out);
    }
  } else if (list.is_object()) {
    for (auto it = list.begin(); it != list.end() && out.size() < kMaxIds; ++it) {
      out.insert(it.key());
      add_ids_of(it.value(), out);
    }
  }
  return out;
}

DraftMedia media_of_state(const json& state, const json* before) {
  DraftMedia media;
  media.uploads = media_ids(json_member(state, "video_infos"));
  media.generated = media_ids(json_member(state, "generated_media"));
  if (before) {
    if (auto was = draft_of(json_member(*before, "draft"), media_of_state(*before))) {
      for (const auto& t : was->tracks())
        for (const auto& s : t.segments)
          if (!s.source.empty()) media.earlier.insert(s.source);
    }
  }
  return media;
}

Result<Draft> draft_of(const json& draft, DraftMedia media) {
  if (draft.is_null()) return Draft::from_service(json::object(), std::move(media));
  auto d = Draft::from_service(draft, std::move(media));
  if (!d) return make_error(ErrorCode::kNetwork, "The service sent a timeline this version cannot read (" + std::string(draft.type_name()) +
                                                     " where a draft object belongs). Try again, or export from the service's own page.");
  return d;
}

Result<Draft> draft_of_state(const json& state, const json* before) { return draft_of(json_member(state, "draft"), media_of_state(state, before)); }

}  // namespace bgm
