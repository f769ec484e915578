#pragma once
// The plugin's locale lookup as OBS's module loader gives it (obs_module_text), from one of the project's locale
// files (data/locale/en-US.ini, zh-CN.ini), for tests that must see the words a user sees.

#include <string>

namespace bgm::test {

// Loads data/locale/<locale>.ini for obs_module_text; false when the file cannot be read.
bool use_plugin_locale(const std::string& data_dir, const std::string& locale);

}  // namespace bgm::test
