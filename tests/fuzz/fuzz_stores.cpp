// The plugin's settings file and the results list, as found on disk (damaged, hand-edited, not UTF-8): loading
// never throws, what is loaded is in range, and saving it again works and reads back the same.

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "fuzz_check.h"
#include "fuzz_scratch.h"
#include "jobs/result_store.h"
#include "plugin-settings.h"

namespace {

const std::filesystem::path& scratch() { return fuzz_scratch("stores"); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = scratch() / "store.json";
  std::error_code ec;
  std::filesystem::remove(std::filesystem::path(file.string() + ".bad"), ec);
  { std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size)); }
  std::string note;
  const PluginSettings s = load_plugin_settings(file.string(), note);
  FUZZ_CHECK(s.music_volume >= 0 && s.music_volume <= 1);
  FUZZ_CHECK(save_plugin_settings(s, (scratch() / "settings.json").string()));
  std::string again_note;
  const PluginSettings again = load_plugin_settings((scratch() / "settings.json").string(), again_note);
  FUZZ_CHECK(again_note.empty() && again.music_volume == s.music_volume && again.output_dir == s.output_dir ||
             again.output_dir.find('\xef') != std::string::npos);  // bytes that are not UTF-8 come back as U+FFFD

  { std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size)); }
  bgm::ResultStore store(file);
  (void)store.load();
  FUZZ_CHECK(store.results().size() <= bgm::ResultStore::kMaxResults);
  for (const auto& r : store.results()) FUZZ_CHECK(std::isfinite(r.duration_s) && r.duration_s >= 0 && !r.output.empty());
  FUZZ_CHECK(bgm::ResultStore::write(scratch() / "results.json", store.results()).ok());
  bgm::ResultStore reread(scratch() / "results.json");
  FUZZ_CHECK(reread.load().empty() && reread.results().size() == store.results().size());
  return 0;
}
