#include "nemo/nemo_config.h"

#include <cstdlib>

#include "core/version.h"

namespace bgm {

NemoConfig nemo_config_from_env(NemoConfig config) {
  if (config.skill_version.empty()) config.skill_version = OBS_BGM_VERSION;
  if (const char* t = std::getenv("NEMO_TOKEN"); t && *t && config.token.empty()) config.token = t;
  if (const char* b = std::getenv("OBS_BGM_API_BASE"); b && *b && config.api_base == kNemoDefaultApiBase) config.api_base = b;
  // The attribution headers, for a deployment that must name itself otherwise.
  for (auto [name, field] : {std::pair{"OBS_BGM_SKILL_SOURCE", &config.skill_source}, std::pair{"OBS_BGM_SKILL_VERSION", &config.skill_version},
                             std::pair{"OBS_BGM_SKILL_PLATFORM", &config.skill_platform}}) {
    if (const char* v = std::getenv(name); v && *v) *field = std::string(v).substr(0, 100);
  }
  if (const char* s = std::getenv("OBS_BGM_NEMO_TIME_SCALE"); s && *s) {
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end != s && v > 0 && v <= 10) config.time_scale = v;
  }
  while (!config.api_base.empty() && config.api_base.back() == '/') config.api_base.pop_back();
  return config;
}

std::filesystem::path default_nemo_state_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "obs-bgm";
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".config/obs-bgm";
  return "obs-bgm-config";
}

std::string redact_token(const std::string& token) {
  if (token.size() <= 8) return "****";
  return token.substr(0, 4) + "…" + token.substr(token.size() - 2);
}

}  // namespace bgm
