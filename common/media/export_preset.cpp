#include "media/export_preset.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/text.h"

namespace bgm {
namespace {

std::vector<ExportPreset> make_presets() {
  std::vector<ExportPreset> p;
  ExportPreset youtube{"youtube", "YouTube"};
  youtube.max_height = 1080;
  youtube.video_kbps = 8000;
  youtube.video_kbps_high_fps = 12000;
  youtube.audio_kbps = 384;
  youtube.copy_when_fits = true;
  p.push_back(youtube);

  ExportPreset shorts{"shorts", "YouTube Shorts", 1080, 1920};
  shorts.max_seconds = 180;
  shorts.video_kbps = 8000;
  shorts.max_video_kbps = 12000;
  shorts.audio_kbps = 384;
  p.push_back(shorts);

  ExportPreset tiktok{"tiktok", "TikTok", 1080, 1920};
  tiktok.max_seconds = 600;
  tiktok.min_fps = 23;
  tiktok.video_kbps = 8000;
  tiktok.audio_kbps = 192;
  tiktok.max_bytes = 1024.0 * 1024 * 1024;
  p.push_back(tiktok);

  ExportPreset douyin = tiktok;
  douyin.id = "douyin";
  douyin.name = "Douyin";
  douyin.max_seconds = 900;
  douyin.max_bytes = 4096.0 * 1024 * 1024;
  p.push_back(douyin);

  ExportPreset reels{"reels", "Instagram Reels", 1080, 1920};
  reels.max_seconds = 180;
  reels.min_fps = 23;
  reels.video_kbps = 8000;
  reels.max_video_kbps = 25000;
  reels.audio_kbps = 128;
  reels.max_bytes = 1024.0 * 1024 * 1024;
  p.push_back(reels);

  ExportPreset x{"x", "X", 1920, 1080};
  x.max_seconds = 140;
  x.max_fps = 40;
  x.video_kbps = 6000;
  x.max_video_kbps = 25000;
  x.audio_kbps = 128;
  x.max_bytes = 512.0 * 1024 * 1024;
  p.push_back(x);

  ExportPreset x_vertical = x;
  x_vertical.id = "x-vertical";
  x_vertical.name = "X (vertical)";
  x_vertical.width = 720;
  x_vertical.height = 1280;
  x_vertical.video_kbps = 4000;
  p.push_back(x_vertical);

  ExportPreset bilibili{"bilibili", "Bilibili"};
  bilibili.max_height = 1080;
  bilibili.max_fps = 120;
  bilibili.video_kbps = 6000;
  bilibili.max_video_kbps = 60000;
  bilibili.keyframe_s = 2;
  bilibili.max_keyframe_gap_s = 10;
  bilibili.audio_kbps = 320;
  bilibili.copy_when_fits = true;
  bilibili.max_bytes = 4096.0 * 1024 * 1024;
  p.push_back(bilibili);
  return p;
}

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
  static const std::vector<ExportPreset> presets = make_presets();
  return presets;
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
