// The plugin's locale lookup for tests that read keys, not words: the key itself.
#include <obs-module.h>

extern "C" const char* obs_module_text(const char* key) { return key; }
