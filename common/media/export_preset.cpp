#include "media/export_preset.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/text.h"

namespace bgm {
namespace {

constexpr double kMB = 1024.0 * 1024;

// In the field order of ExportPreset (designated initializers): the figures of the preset table in docs/cli.md.
const std::vector<ExportPreset> kPresets = {
    {.id = "youtube", .name = "YouTube", .max_height = 1080, .video_kbps = 8000, .video_kbps_high_fps = 12000, .audio_kbps = 384,
     .copy_when_fits = true},
    {.id = "shorts", .name = "YouTube Shorts", .width = 1080, .height = 1920, .max_seconds = 180, .video_kbps = 8000, .max_video_kbps = 12000,
     .audio_kbps = 384},
    {.id = "tiktok", .name = "TikTok", .width = 1080, .height = 1920, .max_seconds = 600, .min_fps = 23, .video_kbps = 8000, .audio_kbps = 192,
     .max_bytes = 1024 * kMB},
    {.id = "douyin", .name = "Douyin", .width = 1080, .height = 1920, .max_seconds = 900, .min_fps = 23, .video_kbps = 8000, .audio_kbps = 192,
     .max_bytes = 4096 * kMB},
    {.id = "reels", .name = "Instagram Reels", .width = 1080, .height = 1920, .max_seconds = 180, .min_fps = 23, .video_kbps = 8000,
     .max_video_kbps = 25000, .audio_kbps = 128, .max_bytes = 1024 * kMB},
    {.id = "x", .name = "X", .width = 1920, .height = 1080, .max_seconds = 140, .max_fps = 40, .video_kbps = 6000, .max_video_kbps = 25000,
     .audio_kbps = 128, .max_bytes = 512 * kMB},
    {.id = "x-vertical", .name = "X (vertical)", .width = 720, .height = 1280, .max_seconds = 140, .max_fps = 40, .video_kbps = 4000,
     .max_video_kbps = 25000, .audio_kbps = 128, .max_bytes = 512 * kMB},
    {.id = "bilibili", .name = "Bilibili", .max_height = 1080, .max_fps = 120, .video_kbps = 6000, .max_video_kbps = 60000, .keyframe_s = 2,
     .max_keyframe_gap_s = 10, .audio_kbps = 320, .copy_when_fits = true, .max_bytes = 4096 * kMB},
};

struct Alias {
  const char* word;
  const char* id;
};

// Names a person uses for a preset, as whole words (ASCII) or anywhere (Chinese).
constexpr Alias kAliases[] = {
    {"youtube shorts", "shorts"}, {"yt shorts", "shorts"}, {"9:16", "shorts"}, {"vertical", "shorts"},
    {"portrait", "shorts"}, {"竖屏", "shorts"}, {"竖版", "shorts"}, {"竖的", "shorts"}, {"instagram", "reels"}, {"ig reels", "reels"},
    {"reel", "reels"}, {"twitter", "x"}, {"抖音", "douyin"}, {"b站", "bilibili"}, {"哔哩哔哩", "bilibili"}, {"tik tok", "tiktok"},
    {"yt", "youtube"}, {"16:9", "youtube"}, {"横屏", "youtube"}};

bool contains_word(const std::string& text, std::string_view word) {
  const bool ascii = std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    if (!ascii) return true;
    const auto boundary = [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-'); };
    const bool before = at == 0 || boundary(text[at - 1]);
    const bool after = at + word.size() >= text.size() || boundary(text[at + word.size()]);
    if (before && after) return true;
  }
  return false;
}

}  // namespace

const std::vector<ExportPreset>& export_presets() {
  return kPresets;
}

const ExportPreset* find_export_preset(std::string_view name) {
  const std::string key = ascii_lower(trim(name));
  for (const auto& p : export_presets())
    if (key == p.id || key == ascii_lower(p.name)) return &p;
  for (const auto& a : kAliases)
    if (key == a.word) return find_export_preset(a.id);
  return nullptr;
}

const ExportPreset* find_export_preset_in(const std::string& message) {
  // Longest names first, so "x-vertical" and "youtube shorts" win over "x" and "youtube".
  const ExportPreset* best = nullptr;
  size_t best_length = 0;
  const auto consider = [&](std::string_view word, const char* id) {
    if (word.size() > best_length && contains_word(message, word)) best = find_export_preset(id), best_length = word.size();
  };
  for (const auto& p : export_presets()) {
    consider(p.id, p.id.c_str());
    consider(ascii_lower(p.name), p.id.c_str());
  }
  for (const auto& a : kAliases) consider(a.word, a.id);
  return best;
}

std::string export_preset_ids() {
  std::string out;
  for (const auto& p : export_presets()) out += (out.empty() ? "" : ", ") + p.id;
  return out;
}

Result<const ExportPreset*> require_export_preset(std::string_view name) {
  if (const ExportPreset* p = find_export_preset(name)) return p;
  return make_error(ErrorCode::kInvalidArgument, "No export preset called '" + std::string(name.substr(0, 64)) + "'. The presets: " + export_preset_ids() + ".");
}

std::optional<Reframe> parse_reframe(std::string_view text) {
  const std::string t = ascii_lower(trim(text));
  if (t == "fit" || t == "pad" || t == "blur") return Reframe::kFit;
  if (t == "crop" || t == "track" || t == "follow") return Reframe::kCrop;
  return std::nullopt;
}

const char* reframe_name(Reframe reframe) { return reframe == Reframe::kCrop ? "crop" : "fit"; }

double export_fps(const ExportPreset& preset, double source_fps) {
  if (!std::isfinite(source_fps) || source_fps <= 0) source_fps = 30;
  if (preset.min_fps > 0 && source_fps < preset.min_fps) return 30;
  return std::min(source_fps, preset.max_fps);
}

int export_video_kbps(const ExportPreset& preset, double fps) {
  return fps > 31 && preset.video_kbps_high_fps > 0 ? preset.video_kbps_high_fps : preset.video_kbps;
}

}  // namespace bgm
