// Every link in the project's Markdown (README.md, docs/, the other .md files a reader is sent to) points at a file
// that exists, and a link to a heading (file.md#anchor) at a heading that exists, as GitHub makes its anchors
// (issue 26: a contributor follows these).
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = OBS_BGM_SOURCE_DIR;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation dropped (letters, digits, '-' and '_'
// kept, and every byte of a non-ASCII character).
std::string anchor_of(const std::string& heading) {
  std::string out;
  for (unsigned char c : heading) {
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_') out += static_cast<char>(c >= 0x80 ? c : std::tolower(c));
    else if (c == ' ') out += '-';
  }
  return out;
}

std::set<std::string> anchors_in(const fs::path& md) {
  std::set<std::string> anchors;
  std::istringstream lines(read(md));
  bool fenced = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (fenced || line.empty() || line[0] != '#') continue;
    const size_t text = line.find_first_not_of('#');
    if (text == std::string::npos) continue;
    std::string heading = line.substr(text);
    while (!heading.empty() && heading.front() == ' ') heading.erase(heading.begin());
    std::string a = anchor_of(heading);
    for (int n = 1; anchors.count(a); ++n) a = anchor_of(heading) + "-" + std::to_string(n);
    anchors.insert(a);
  }
  return anchors;
}

std::vector<fs::path> markdown_files() {
  std::vector<fs::path> files;
  for (const char* top : {"README.md", "BENCHMARKS.md", "RELIABILITY.md"})
    if (fs::exists(kRoot / top)) files.push_back(kRoot / top);
  for (const char* dir : {"docs", "common"}) {
    if (!fs::is_directory(kRoot / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(kRoot / dir))
      if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  }
  return files;
}

TEST(DocLinks, EveryLinkInTheProjectsMarkdownPointsAtAFileOrHeadingThatExists) {
  const std::regex link(R"(\]\(([^)\s]+)\))");
  int checked = 0;
  for (const fs::path& md : markdown_files()) {
    const std::string text = read(md);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 || target.rfind("mailto:", 0) == 0) continue;
      const size_t hash = target.find('#');
      const std::string file = target.substr(0, hash), anchor = hash == std::string::npos ? "" : target.substr(hash + 1);
      const fs::path to = file.empty() ? md : md.parent_path() / file;
      ++checked;
      ASSERT_TRUE(fs::exists(to)) << fs::relative(md, kRoot) << " links to " << target << ", which does not exist";
      if (!anchor.empty()) {
        EXPECT_TRUE(anchors_in(to).count(anchor)) << fs::relative(md, kRoot) << " links to " << target << ": no such heading";
      }
    }
  }
  EXPECT_GE(checked, 5) << "the README's links were read";
}

TEST(DocLinks, AnchorsAreMadeAsGitHubMakesThem) {
  EXPECT_EQ(anchor_of("What the client accepts from a service"), "what-the-client-accepts-from-a-service");
  EXPECT_EQ(anchor_of("`obs-bgm generate` against FluidSynth's own render"), "obs-bgm-generate-against-fluidsynths-own-render");
  EXPECT_EQ(anchor_of("Quick start"), "quick-start");
}

}  // namespace
