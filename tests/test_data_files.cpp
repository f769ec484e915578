// The data files users see: both locales carry the same keys, every style has its name in both, and every
// stage the engine reports has a label.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include "core/progress.h"
#include "core/result.h"
#include "music/theory.h"
#include "spec/lexicon.h"
#include "spec/style_catalog.h"

namespace bgm {
namespace {

std::map<std::string, std::string> read_ini(const std::string& name) {
  std::ifstream f(std::string(OBS_BGM_DATA_DIR) + "/locale/" + name);
  EXPECT_TRUE(f) << name;
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    const auto eq = line.find('=');
    EXPECT_NE(eq, std::string::npos) << name << ": " << line;
    const std::string value = line.substr(eq + 1);
    EXPECT_TRUE(value.size() >= 2 && value.front() == '"' && value.back() == '"') << name << ": " << line;
    out[line.substr(0, eq)] = value;
  }
  return out;
}

TEST(DataFiles, LocalesHaveTheSameKeysAndCoverStylesAndStages) {
  const auto en = read_ini("en-US.ini");
  const auto zh = read_ini("zh-CN.ini");
  std::set<std::string> en_keys, zh_keys;
  for (const auto& [k, v] : en) en_keys.insert(k);
  for (const auto& [k, v] : zh) zh_keys.insert(k);
  EXPECT_EQ(en_keys, zh_keys);
  for (const auto& style : StyleCatalog::builtin().styles()) {
    EXPECT_TRUE(en.count("ObsBgm.Style." + style.id)) << style.id;
  }
  for (Stage s : {Stage::kUnderstanding, Stage::kAnalysing, Stage::kComposing, Stage::kLoadingSounds, Stage::kRendering,
                  Stage::kMastering, Stage::kMixing, Stage::kExporting, Stage::kDone}) {
    std::string id(stage_id(s));
    // stage ids are snake_case; locale keys are CamelCase
    std::string key;
    bool upper = true;
    for (char c : id) {
      if (c == '_') { upper = true; continue; }
      key += upper ? static_cast<char>(std::toupper(c)) : c;
      upper = false;
    }
    EXPECT_TRUE(en.count("ObsBgm.Stage." + key)) << key;
  }
}

TEST(DataFiles, LocalesTranslateWhatTheDockShowsFromTheEngine) {
  const auto en = read_ini("en-US.ini");
  for (const auto& mood : moods()) EXPECT_TRUE(en.count("ObsBgm.Mood." + std::string(mood.id))) << mood.id;
  EXPECT_TRUE(en.count("ObsBgm.Mood.none"));
  for (Mode m : {Mode::kMajor, Mode::kMinor, Mode::kDorian, Mode::kMixolydian})
    EXPECT_TRUE(en.count("ObsBgm.Mode." + std::string(mode_name(m)))) << mode_name(m);
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    const std::string name = error_code_name(static_cast<ErrorCode>(c));
    EXPECT_TRUE(en.count("ObsBgm.ErrorCode." + name)) << name;
  }
  // The transcript lines the local engine writes (common/backend/local_backend.cpp), with their argument counts.
  const std::map<std::string, int> lines = {{"AnalysisUsed", 1}, {"Understood", 6}, {"Followed", 3},
                                            {"Ducked", 1},       {"Wrote", 1},      {"WroteCopied", 1}};
  for (const auto& locale : {en, read_ini("zh-CN.ini")}) {
    for (const auto& [id, args] : lines) {
      const auto it = locale.find("ObsBgm.Transcript." + id);
      ASSERT_NE(it, locale.end()) << id;
      for (int a = 1; a <= args; ++a) EXPECT_NE(it->second.find("%" + std::to_string(a)), std::string::npos) << id << " needs %" << a;
    }
  }
}

}  // namespace
}  // namespace bgm

namespace bgm {
namespace {

// Every locale key the plugin's code names in full is in the locale: a missing one would show its key to the user.
TEST(DataFiles, EveryKeyThePluginNamesIsInTheLocale) {
  const auto en = read_ini("en-US.ini");
  const std::regex key_literal("\"(ObsBgm\\.[A-Za-z0-9_.]*[A-Za-z0-9_])\"");
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(OBS_BGM_SOURCE_DIR) + "/plugin")) {
    std::ifstream in(entry.path());
    const std::string code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::sregex_iterator it(code.begin(), code.end(), key_literal), end; it != end; ++it) {
      ++checked;
      EXPECT_TRUE(en.count((*it)[1].str())) << (*it)[1].str() << " (" << entry.path().filename().string() << ") is not in en-US.ini";
    }
  }
  EXPECT_GT(checked, 100u) << "the plugin's keys were found";
}

}  // namespace
}  // namespace bgm
