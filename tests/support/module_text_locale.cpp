#include "support/module_text_locale.h"

#include <obs-module.h>
#include <util/text-lookup.h>

namespace {

lookup_t* g_lookup = nullptr;

}  // namespace

extern "C" const char* obs_module_text(const char* key) {
  const char* out = key;
  if (g_lookup) text_lookup_getstr(g_lookup, key, &out);
  return out;
}

namespace bgm::test {

bool use_plugin_locale(const std::string& data_dir, const std::string& locale) {
  if (g_lookup) text_lookup_destroy(g_lookup);
  g_lookup = text_lookup_create((data_dir + "/locale/" + locale + ".ini").c_str());
  return g_lookup != nullptr;
}

}  // namespace bgm::test
