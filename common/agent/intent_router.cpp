#include "agent/intent_router.h"

#include <filesystem>

#include "agent/message_words.h"
#include "core/atomic_file.h"
#include "core/text.h"
#include "media/media_probe.h"

namespace bgm {
namespace {

// The first word that looks like a path: starts with / ~ ./ or ../, or ends in a known media extension.
std::string find_path(std::string_view line) {
  std::string_view rest = line;
  while (!rest.empty()) {
    rest = trim(rest);
    std::string token;
    if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
      const char q = rest.front();
      const auto end = rest.find(q, 1);
      token = std::string(rest.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    } else {
      const auto end = rest.find(' ');
      token = std::string(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    if (token.empty()) continue;
    const bool rooted = token[0] == '/' || token.rfind("~/", 0) == 0 || token.rfind("./", 0) == 0 || token.rfind("../", 0) == 0;
    if (rooted || is_supported_input_extension(lower_extension(token))) {
      if (token.rfind("~/", 0) == 0) {
        if (const char* home = std::getenv("HOME")) token = std::string(home) + token.substr(1);
      }
      return token;
    }
  }
  return {};
}

}  // namespace

RoutedLine route_line(std::string_view line) {
  RoutedLine out;
  const std::string n = normalize_message(line);
  if (has_any(n, {"export", "导出", "download", "下载", "send me the video", "render it"})) {
    out.intent = Intent::kExport;
    out.want = read_export_words(n, true);
    out.every = has_any(n, {"all", "each", "every", "all of them", "both", "全部", "所有", "每个", "都导出"});
    out.path = find_path(line);
    return out;
  }
  if (has_any(n, {"credits", "积分", "balance", "余额"})) {
    out.intent = Intent::kCredits;
    return out;
  }
  if (has_any(n, {"status", "状态", "show tracks", "show the tracks", "timeline", "时间线", "preview in timeline"})) {
    out.intent = Intent::kState;
    return out;
  }
  const std::string path = find_path(line);
  if (has_any(n, {"upload", "上传"}) || !path.empty()) {
    out.intent = Intent::kUpload;
    out.said_upload = has_any(n, {"upload", "上传"});
    out.path = path;
    return out;
  }
  return out;
}

}  // namespace bgm
